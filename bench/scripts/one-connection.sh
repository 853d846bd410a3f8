#!/usr/bin/env bash
# CPU per request at one connection: the gateway's and the mock's (from /proc/PID/stat), beside the mock called
# directly, in ROUNDS alternating 10 s rounds of `wrk -t1 -c1`, after 30 s at 64 connections and 10 s at one.
#
#   bench/scripts/one-connection.sh [DIST=distribution/target/heimdall] [ROUNDS=2]
#   JOPTS="-XX:+UseSerialGC -Xms32m -Xmn16m -Xmx512m -Djdk.pollerMode=1" bench/scripts/one-connection.sh
#
# Needs wrk and a packaged tree (./mvnw -DskipTests package).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
DIST=${1:-$ROOT/distribution/target/heimdall}; ROUNDS=${2:-2}
. "$ROOT/bench/scripts/gateway-pair.sh"
start_mock
MOCK_PID=$(head -1 "$W/pids")
G=$(start_gateway "$DIST" a); U=$(gateway_url a)
load() { wrk -t"$1" -c"$2" -d"$3s" -s "$ROOT/bench/scripts/post.lua" "$4/v1/chat/completions"; }
cpu() { awk '{print $14+$15}' "/proc/$1/stat"; }
per() { python3 -c "print(round(($2) * 1e6 / $(getconf CLK_TCK) / $1, 1))"; }
load 2 64 30 "$U" >/dev/null; load 1 1 10 "$U" >/dev/null
for r in $(seq "$ROUNDS"); do
  g0=$(cpu "$G"); m0=$(cpu "$MOCK_PID")
  out=$(load 1 1 10 "$U" | grep WRKRESULT); n=$(echo "$out" | grep -o 'requests=[0-9]*' | cut -d= -f2)
  g1=$(cpu "$G"); m1=$(cpu "$MOCK_PID")
  p50=$(echo "$out" | grep -o 'p50_ms=[0-9.]*' | cut -d= -f2)
  echo "round $r, gateway: $((n / 10)) req/s, p50 $p50 ms, gateway $(per "$n" "$g1 - $g0") us CPU/request," \
    "mock $(per "$n" "$m1 - $m0") us CPU/request"
  m0=$(cpu "$MOCK_PID")
  out=$(BENCH_BODY_FILE=$ROOT/bench/scripts/chat-direct.json load 1 1 10 "http://127.0.0.1:$MOCK_PORT" | grep WRKRESULT)
  n=$(echo "$out" | grep -o 'requests=[0-9]*' | cut -d= -f2); m1=$(cpu "$MOCK_PID")
  p50=$(echo "$out" | grep -o 'p50_ms=[0-9.]*' | cut -d= -f2)
  echo "round $r, direct:  $((n / 10)) req/s, p50 $p50 ms, mock $(per "$n" "$m1 - $m0") us CPU/request"
done
