#!/usr/bin/env bash
# Prefill/decode speed of wgllama (CPU backend) vs llama.cpp (the peer's native engine) on one GGUF file.
# The two engines run alternately, ROUNDS times each (each run: its own warm-up, then REPS timed reps, medians);
# the table shows the median over rounds and the ratio wgllama / llama.cpp. Loads on a shared machine vary:
# compare ratios, and prefer an idle machine (llama.cpp's spinning thread barriers suffer most from contention).
#
#   scripts/bench-vs-llamacpp.sh MODEL.gguf [--threads 2] [--prompt 128] [--gen 64] [--reps 5] [--rounds 3]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MODEL="${1:?usage: $0 MODEL.gguf [--threads N] [--prompt N] [--gen N] [--reps N] [--rounds N]}"
shift
THREADS=2 PROMPT=128 GEN=64 REPS=5 ROUNDS=3
while [ $# -gt 0 ]; do
  case "$1" in
    --threads) THREADS="$2"; shift 2 ;;
    --prompt) PROMPT="$2"; shift 2 ;;
    --gen) GEN="$2"; shift 2 ;;
    --reps) REPS="$2"; shift 2 ;;
    --rounds) ROUNDS="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
: "${JAVA_HOME:=/usr/lib/jvm/temurin-25-jdk-amd64}"
export JAVA_HOME
if [ -z "${PEERS:-}" ]; then
  PEERS="${WGLLAMA_PEERS:-$(bash "$ROOT/../shared/peers/setup.sh" | tail -n 1)}"
fi
OUT="$(mktemp -d /tmp/bench-vs-llamacpp.XXXXXX)"
# The bench subcommand once Main registers it; until then the class's own main.
if "$ROOT/wgllama" bench --help 2>/dev/null | grep -q -- --prompt; then
  OURS=("$ROOT/wgllama" bench)
else
  "$ROOT/wgllama" --version >/dev/null 2>&1 || true   # builds the jar
  OURS=("$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED
        -XX:+UseParallelGC -cp "$ROOT/target/wgllama.jar" dev.wgllama.cli.BenchCommand)
fi
ARGS=(--threads "$THREADS" --prompt "$PROMPT" --gen "$GEN" --reps "$REPS")
for r in $(seq 1 "$ROUNDS"); do
  echo "round $r/$ROUNDS: wgllama" >&2
  "${OURS[@]}" "$MODEL" "${ARGS[@]}" --json 2>/dev/null > "$OUT/ours-$r.json"
  echo "round $r/$ROUNDS: llama.cpp" >&2
  node "$PEERS/llamacpp.mjs" bench "$MODEL" --engine native "${ARGS[@]}" --json "$OUT/peer-$r.json" >/dev/null
done
node - "$OUT" "$ROUNDS" "$MODEL" "$THREADS" "$PROMPT" "$GEN" <<'JS'
const fs = require('fs');
const [dir, rounds, model, threads, prompt, gen] = process.argv.slice(2);
const med = a => { const s = [...a].sort((x, y) => x - y); const n = s.length; return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2; };
const ours = [], peer = [];
for (let r = 1; r <= +rounds; r++) {
  const o = JSON.parse(fs.readFileSync(`${dir}/ours-${r}.json`, 'utf8'));
  const p = JSON.parse(fs.readFileSync(`${dir}/peer-${r}.json`, 'utf8')).engines.native;
  ours.push([o.prefill_tok_s, o.decode_tok_s, o.decode_weight_bytes_per_token]);
  peer.push([p.prefill_tok_s, p.decode_tok_s]);
}
const op = med(ours.map(x => x[0])), od = med(ours.map(x => x[1])), bytes = ours[0][2];
const pp = med(peer.map(x => x[0])), pd = med(peer.map(x => x[1]));
const f = (v, w = 10) => v.toFixed(2).padStart(w);
console.log(`${model}: threads ${threads}, prompt ${prompt}, gen ${gen}; medians of ${rounds} alternating rounds`);
console.log(`engine        prefill tok/s  decode tok/s  decode GB/s`);
console.log(`wgllama       ${f(op, 13)}  ${f(od, 12)}  ${f(od * bytes / 1e9, 11)}`);
console.log(`llama.cpp     ${f(pp, 13)}  ${f(pd, 12)}  ${f(pd * bytes / 1e9, 11)}`);
console.log(`ratio         ${f(op / pp, 13)}  ${f(od / pd, 12)}`);
console.log(`per round (wgllama / llama.cpp): ` + ours.map((o, i) =>
  `${o[0].toFixed(1)}/${peer[i][0].toFixed(1)} prefill, ${o[1].toFixed(1)}/${peer[i][1].toFixed(1)} decode`).join('; '));
JS
echo "raw JSON: $OUT" >&2
