#!/usr/bin/env bash
# JMH micro-benchmarks of the codec and the pipeline (bench/jmh), built and run from the class path. Not part of the
# default build (the module is only in the reactor with -Pjmh) nor of any test command.
#
#   bench/jmh.sh                       # all benchmarks, short: 1 fork, 2 x 2 s warm-up, 3 x 2 s measured (~3 minutes)
#   bench/jmh.sh Codec                 # those whose name matches a regexp
#   JMH_ARGS="-prof gc" bench/jmh.sh   # more JMH options (here: allocations per operation); -h lists them
#   JMH_BUILD=0 bench/jmh.sh           # skip the Maven build (already built)
#
# Benchmarks: CodecBenchmark (JacksonOpenAiWire: chat request decode, response decode/encode, chunk encode/decode, a
# chunk read for the untouched relay, a 200-chunk SSE stream relayed) and PipelineBenchmark (the in-process Gateway
# around a provider answering from memory: chat, chat with the codec on both sides, a 200-chunk stream; without
# plugins and with one no-op hook).
# Results: bench/target/jmh/results.txt (and results.json). Run under `flock /work/briefs/cpu.lock` on a shared machine.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
OUT=$ROOT/bench/target/jmh
mkdir -p "$OUT"
if [ "${JMH_BUILD:-1}" = 1 ]; then
  (cd "$ROOT" && timeout 900 ./mvnw -q -Pjmh -pl bench/jmh -am -DskipTests package)
fi
CP="$ROOT/bench/jmh/target/classes:$(cat "$ROOT/bench/jmh/target/classpath.txt")"
. "$ROOT/.mvn/heimdall-jdk.sh"
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
# shellcheck disable=SC2086 # JMH_ARGS is meant to be split into words
timeout "${JMH_TIMEOUT:-1800}" "$JAVA" -cp "$CP" org.openjdk.jmh.Main \
  -f "${JMH_FORKS:-1}" -wi "${JMH_WARMUP_ITERATIONS:-2}" -w "${JMH_WARMUP_TIME:-2s}" \
  -i "${JMH_ITERATIONS:-3}" -r "${JMH_TIME:-2s}" -jvmArgs "${JMH_JVM_ARGS:--XX:+UseSerialGC -Xms64m -Xmx512m}" \
  -rf json -rff "$OUT/results.json" ${JMH_ARGS:-} "$@" | tee "$OUT/results.txt"
