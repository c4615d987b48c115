#!/usr/bin/env bash
# Packs what a bare GPU machine (no Java, no Node, no network; see ../shared/docs/environment.md) needs to run
# wgllama into out/device/, under the 64 MiB a device run may carry together with the repository:
#   jre.tar.xz       jlink'ed Java 25 (modules the CLI needs, Jinjava's java.desktop included)
#   app.tar.xz       target/wgllama.jar + target/lib
#   libwebgpu_wrapper.so.xz   Dawn 0.1.7
#   debs/            the Vulkan loader and GLVND libraries (NVIDIA's ICD needs both) for machines that lack them
#   models/          tiny-a and tiny-c as Q4_0 GGUF (tiny-b travels as models/default); corpus-head.jsonl
#   run.sh           on the GPU machine, from the repository root:
#                      bash out/device/run.sh agree              CPU vs WebGPU tokens and perplexity, tiny-a/b/c
#                      bash out/device/run.sh bench 1b Q4_0 512 128 5 [--profile]   random-weight speed run
# Run with the device tool as: command "bash out/device/run.sh agree; bash out/device/run.sh bench 1b Q4_0 512 128 5",
# carry ["out/device"].
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
: "${JAVA_HOME:=/usr/lib/jvm/temurin-25-jdk-amd64}"
export JAVA_HOME
SHARED="${WGLLAMA_SHARED:-$ROOT/../shared}"
OUT="$ROOT/out/device"
cd "$ROOT"
mvn -q -o -B -DskipTests package 2>/dev/null || mvn -q -B -DskipTests package
rm -rf "$OUT"
mkdir -p "$OUT/models" "$OUT/debs"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
# zip-0 then xz: xz compresses the raw module image far better than jlink's own zip (22 MB vs 36 MB).
"$JAVA_HOME/bin/jlink" --add-modules java.base,java.compiler,java.desktop,java.instrument,java.management,java.sql,jdk.unsupported,jdk.incubator.vector,java.logging,java.naming \
  --strip-debug --no-header-files --no-man-pages --compress=zip-0 --output "$TMP/jre" 2>/dev/null
tar -C "$TMP" -cf - jre | xz -6 -T2 > "$OUT/jre.tar.xz"
tar -C target -cf - wgllama.jar lib | xz -6 -T2 > "$OUT/app.tar.xz"
xz -9 -c "$(bash scripts/fetch-dawn.sh | tail -n 1)" > "$OUT/libwebgpu_wrapper.so.xz"
# The Vulkan loader and the GLVND libraries NVIDIA's ICD (libGLX_nvidia) loads through.
(cd "$OUT/debs" && apt-get download libvulkan1 libegl1 libglvnd0 libopengl0 libgl1 libglx0 libgles2 >/dev/null 2>&1) \
  || echo "warning: the Vulkan/GL loader .debs were not packed" >&2
for m in tiny-a tiny-c; do
  ./wgllama convert "$SHARED/models/$m" -o "$OUT/models/$m-q4_0.gguf" --type q4_0 -q 2>/dev/null
done
head -n 4 "$SHARED/data/corpus-dev.jsonl" > "$OUT/models/corpus-head.jsonl"
for m in tiny-a tiny-b tiny-c; do
  python3 -c "import json,sys; r=json.load(open(sys.argv[1])); print('\n'.join(p['text'] for p in r['prompts'][:3]))" \
    "$SHARED/models/$m/reference.json" > "$OUT/models/$m.prompts"
done
cp scripts/device-run.sh "$OUT/run.sh"
chmod +x "$OUT/run.sh"
du -sh "$OUT"
