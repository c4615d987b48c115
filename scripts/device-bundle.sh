#!/usr/bin/env bash
# Packs what a bare GPU machine (no Java, no Node, no network) needs to run the WebGPU benchmark into out/device/
# (well under the 64 MiB a run may carry): a jlink'ed Java 25 runtime and Dawn, both xz-compressed, the jar and
# out/device/run.sh. On the GPU machine, from the repository root (with out/device carried):
#   bash out/device/run.sh [1b|8b|tiny] [Q4_0|Q8_0|Q4_K|F16] [promptTokens] [decodeTokens] [reps] [--profile]
# run.sh unpacks into /tmp, sets up Vulkan (loaders from .gl/*.deb when carried, the NVIDIA ICD when present) and
# runs dev.wgllama.backend.webgpu.WebGpuBench, which builds a random-weight model of the real shape in memory.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
: "${JAVA_HOME:=/usr/lib/jvm/temurin-25-jdk-amd64}"
OUT="$ROOT/out/device"
cd "$ROOT"
mvn -q -o -B -DskipTests package
rm -rf "$OUT"
mkdir -p "$OUT"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
"$JAVA_HOME/bin/jlink" --add-modules java.base,jdk.incubator.vector,java.logging,java.management \
  --strip-debug --no-header-files --no-man-pages --compress=zip-9 --output "$TMP/jre"
tar -C "$TMP" -cJf "$OUT/jre.tar.xz" jre
xz -9 -c "$(bash scripts/fetch-dawn.sh | tail -n 1)" > "$OUT/libwebgpu_wrapper.so.xz"
cp target/wgllama.jar "$OUT/"
cat > "$OUT/run.sh" <<'RUN'
#!/usr/bin/env bash
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
W=/tmp/wgllama-device
mkdir -p "$W"
[ -x "$W/jre/bin/java" ] || tar -C "$W" -xJf "$HERE/jre.tar.xz"
[ -s "$W/libwebgpu_wrapper.so" ] || xz -dc "$HERE/libwebgpu_wrapper.so.xz" > "$W/libwebgpu_wrapper.so"
if ! ldconfig -p | grep -q libvulkan && ls .gl/*.deb >/dev/null 2>&1; then
  for f in .gl/*.deb; do dpkg -x "$f" /; done
  ldconfig
fi
NV=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
if [ -f "$NV" ] && [ -z "${VK_DRIVER_FILES:-}" ]; then export VK_DRIVER_FILES="$NV"; fi
export WGLLAMA_DAWN_LIB="$W/libwebgpu_wrapper.so"
exec "$W/jre/bin/java" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xmx64g \
  -cp "$HERE/wgllama.jar" dev.wgllama.backend.webgpu.WebGpuBench "$@"
RUN
chmod +x "$OUT/run.sh"
du -sh "$OUT"/*
