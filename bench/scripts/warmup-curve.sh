#!/usr/bin/env bash
# Throughput from a cold start: req/s in consecutive 5 s windows of `wrk -t2 -c64` from the moment the gateway
# listens (how fast the JIT brings it to speed under load; JOPTS sets its JVM options, see gateway-pair.sh).
#
#   bench/scripts/warmup-curve.sh [DIST=distribution/target/heimdall] [WINDOWS=10]
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
DIST=${1:-$ROOT/distribution/target/heimdall}; WINDOWS=${2:-10}
. "$ROOT/bench/scripts/gateway-pair.sh"
start_mock
# the mock warmed up first, so that the windows show the gateway's warm-up, not the mock's
BENCH_BODY_FILE=$ROOT/bench/scripts/chat-direct.json wrk -t2 -c64 -d20s -s "$ROOT/bench/scripts/post.lua" \
  "http://127.0.0.1:$MOCK_PORT/v1/chat/completions" >/dev/null
G=$(start_gateway "$DIST" a); U=$(gateway_url a)
out=""
for _ in $(seq "$WINDOWS"); do
  n=$(wrk -t2 -c64 -d5s -s "$ROOT/bench/scripts/post.lua" "$U/v1/chat/completions" | grep -o 'requests=[0-9]*' | cut -d= -f2)
  out="$out $((n / 5))"
done
echo "req/s per 5 s window:$out"
