#!/usr/bin/env bash
# Writes a random-weight GGUF of Llama-3.2-1B's shape for benchmarks (never commit the file):
#   scripts/make-random-llama-gguf.sh /tmp/llama1b-q4_0.gguf [Q4_0|Q8_0|Q4_1] [LAYERS]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
: "${JAVA_HOME:=/usr/lib/jvm/temurin-25-jdk-amd64}"
export JAVA_HOME
export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
OUT="${1:?usage: $0 OUT.gguf [TYPE] [LAYERS]}"
cd "$ROOT"
mvn -q -B -o -DskipTests test-compile >&2 2>/dev/null || mvn -q -B -DskipTests test-compile >&2
exec "$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector -cp "target/test-classes:target/classes" \
  dev.wgllama.tools.RandomLlamaGguf "$OUT" "${2:-Q4_0}" "${3:-16}"
