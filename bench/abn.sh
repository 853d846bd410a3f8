#!/usr/bin/env bash
# N gateways (builds x configs) on one mock, their wrk rounds interleaved: req/s and CPU microseconds per request each.
#
#   bench/abn.sh NAME:DIST:CONFIG ...     # CONFIG a gateway config with MOCKPORT where the mock's port goes
#   e.g. bench/abn.sh old:/tmp/old/heimdall:plain.yaml old-obs:/tmp/old/heimdall:obs.yaml \
#                     new:distribution/target/heimdall:plain.yaml new-obs:distribution/target/heimdall:obs.yaml
#   ROUNDS=6 SECS=8 WARMUP=90 (seconds of load per gateway first, then a short second run: see bench/ab.sh), CONNS=64;
#   BENCH_BODY_FILE=a streaming request body (e.g. bench/target/memory/stream.json) for streams
#
# Two builds with and without plugins in one run: each round measures every gateway back to back, so a machine that
# speeds up or slows down (as shared ones do, by a factor of two within minutes) moves all four alike.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P); ROUNDS=${ROUNDS:-6}; SECS=${SECS:-8}
. "$ROOT/bench/scripts/gateway-pair.sh"
unset CONF_TEMPLATE
start_mock
declare -A P U
i=0
for spec in "$@"; do  # spec = NAME:DIST:CONF
  IFS=: read -r name dist conf <<<"$spec"
  sed "s/MOCKPORT/$MOCK_PORT/" "$conf" >"$W/c-$name.yaml"
  HEIMDALL_JAVA_OPTS="-XX:+UseSerialGC -Xms64m -Xmx512m" "$dist/bin/heimdall" --config "$W/c-$name.yaml" --port 0 --no-watch >"$W/$name.log" 2>&1 &
  P[$name]=$!; echo "${P[$name]}" >>"$W/pids"
  for _ in $(seq 300); do grep -q "listening on" "$W/$name.log" && break; sleep 0.1; done
  U[$name]=$(grep -o -E 'listening on http://[^ /]+:[0-9]+' "$W/$name.log" | head -1 | grep -o -E 'http://.*')
done
run() { wrk -t2 -c"${CONNS:-64}" -d"${2}s" -s "$ROOT/bench/scripts/post.lua" "$1/v1/chat/completions" 2>&1 | grep -o 'requests=[0-9]*' | cut -d= -f2; }
cpu() { awk '{print $14+$15}' "/proc/$1/stat"; }
names=(); for spec in "$@"; do names+=("${spec%%:*}"); done
for n in "${names[@]}"; do run "${U[$n]}" "${WARMUP:-90}" >/dev/null; run "${U[$n]}" 5 >/dev/null; done
declare -A R C
for n in "${names[@]}"; do R[$n]=0; C[$n]=0; done
for r in $(seq "$ROUNDS"); do
  line="round $r:"
  for n in "${names[@]}"; do
    c0=$(cpu "${P[$n]}"); q=$(run "${U[$n]}" "$SECS"); C[$n]=$((C[$n] + $(cpu "${P[$n]}") - c0)); R[$n]=$((R[$n] + q))
    line="$line $n $((q / SECS))"
  done
  echo "$line"
done
T=$(getconf CLK_TCK)
for n in "${names[@]}"; do
  echo "$n: $((R[$n] / SECS / ROUNDS)) req/s, $(python3 -c "print(round(${C[$n]} * 1e6 / $T / ${R[$n]}, 1))") CPU us/request"
done
