#!/usr/bin/env bash
# Builds the JMH benchmarks (src/jmh/java, Maven profile "jmh") and runs them; arguments go to JMH, e.g.
#   scripts/jmh.sh MatVecBench.matVec -p type=Q4_0,Q4_K -p size=4096
#   scripts/jmh.sh -l            (list benchmarks)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
: "${JAVA_HOME:=/usr/lib/jvm/temurin-25-jdk-amd64}"
export JAVA_HOME
export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
cd "$ROOT"
mvn -q -B -Pjmh -DskipTests test-compile dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile=target/jmh.classpath >&2
exec "$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector -cp "target/test-classes:target/classes:$(cat target/jmh.classpath)" \
  org.openjdk.jmh.Main "$@"
