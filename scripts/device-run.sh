#!/usr/bin/env bash
# Runs on the GPU machine (packed into out/device/run.sh by scripts/device-bundle.sh); from the repository root.
#   run.sh agree   tiny-a/b/c in F32, Q8_0, Q4_0: greedy tokens of --backend webgpu equal to --backend cpu, and
#                  perplexity on 4 dev documents within 0.1%; prints one line per case and a summary
#   run.sh bench SHAPE TYPE PROMPT DECODE REPS [--profile]   WebGpuBench on a random-weight model (1b or 8b)
# WGLLAMA_JAVA_OPTS adds JVM options, e.g. -Dwgllama.webgpu.tiledMinTokens=100000 (prefill through the matvec
# kernels, to compare with the tiled matmul).
set -uo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
W=/tmp/wgllama-device
mkdir -p "$W"
[ -x "$W/jre/bin/java" ] || tar -C "$W" -xJf "$HERE/jre.tar.xz"
rm -rf "$W/lib" "$W/wgllama.jar"; tar -C "$W" -xJf "$HERE/app.tar.xz"   # small; never run a stale jar
[ -s "$W/libwebgpu_wrapper.so" ] || xz -dc "$HERE/libwebgpu_wrapper.so.xz" > "$W/libwebgpu_wrapper.so"
if ! ldconfig -p | grep -q libGLX.so.0 || ! ldconfig -p | grep -q libvulkan.so.1; then
  for f in "$HERE"/debs/*.deb; do [ -f "$f" ] && dpkg -x "$f" /; done
  ldconfig
fi
NV=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
if [ -f "$NV" ] && [ -z "${VK_DRIVER_FILES:-}" ]; then export VK_DRIVER_FILES="$NV"; fi
export WGLLAMA_DAWN_LIB="$W/libwebgpu_wrapper.so"
read -ra EXTRA <<< "${WGLLAMA_JAVA_OPTS:-}"
JAVA=("$W/jre/bin/java" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xmx96g "${EXTRA[@]}")
wg() { "${JAVA[@]}" -jar "$W/wgllama.jar" "$@"; }

case "${1:-agree}" in
  bench)
    shift
    exec "${JAVA[@]}" -cp "$W/wgllama.jar:$W/lib/*" dev.wgllama.backend.webgpu.WebGpuBench "$@"
    ;;
  agree)
    wg devices 2>/dev/null | head -3
    M="$W/models"; mkdir -p "$M"
    wg convert models/default -o "$M/tiny-b-F32.gguf" --type f32 -q
    wg convert models/default -o "$M/tiny-b-Q8_0.gguf" --type q8_0 -q
    wg convert models/default -o "$M/tiny-b-Q4_0.gguf" --type q4_0 -q
    for m in tiny-a tiny-c; do
      cp "$HERE/models/$m-q4_0.gguf" "$M/$m-Q4_0.gguf"
      wg convert "$M/$m-Q4_0.gguf" -o "$M/$m-F32.gguf" --type f32 -q
      wg convert "$M/$m-Q4_0.gguf" -o "$M/$m-Q8_0.gguf" --type q8_0 -q
    done
    ok=0; bad=0
    for m in tiny-a tiny-b tiny-c; do
      for t in F32 Q8_0 Q4_0; do
        while IFS= read -r prompt; do
          a=$(wg generate -m "$M/$m-$t.gguf" -p "$prompt" -n 32 --temperature 0 --json --backend cpu 2>/dev/null \
              | python3 -c "import json,sys; print(json.load(sys.stdin)['tokens'])")
          b=$(wg generate -m "$M/$m-$t.gguf" -p "$prompt" -n 32 --temperature 0 --json --backend webgpu 2>/dev/null \
              | python3 -c "import json,sys; print(json.load(sys.stdin)['tokens'])")
          if [ -n "$a" ] && [ "$a" = "$b" ]; then ok=$((ok+1)); r=same; else bad=$((bad+1)); r="DIFF cpu=$a webgpu=$b"; fi
          echo "tokens $m $t '${prompt:0:24}': $r"
        done < "$HERE/models/$m.prompts"
        pc=$(wg eval perplexity -m "$M/$m-$t.gguf" --data "$HERE/models/corpus-head.jsonl" --json --backend cpu 2>/dev/null \
             | python3 -c "import json,sys; print(json.load(sys.stdin)['perplexity'])")
        pg=$(wg eval perplexity -m "$M/$m-$t.gguf" --data "$HERE/models/corpus-head.jsonl" --json --backend webgpu 2>/dev/null \
             | python3 -c "import json,sys; print(json.load(sys.stdin)['perplexity'])")
        echo "perplexity $m $t: cpu $pc webgpu $pg" \
          "$(python3 -c "import sys; a,b=float(sys.argv[1]),float(sys.argv[2]); print('rel %.2e %s' % (abs(a-b)/a, 'ok' if abs(a-b)/a < 1e-3 else 'OFF'))" "$pc" "$pg" 2>/dev/null)"
      done
    done
    echo "greedy agreement: $ok same, $bad different"
    ;;
  *) echo "usage: run.sh agree | run.sh bench SHAPE TYPE PROMPT DECODE REPS [--profile]" >&2; exit 2 ;;
esac
