#!/usr/bin/env bash
# What a request costs after the gateway sat idle: N requests, each GAP seconds after the one before, to the mock
# directly and through the gateway (one curl each, back to back), after 20 s of wrk load to warm the gateway up.
# Prints the medians and the gateway's added time; a pooled upstream connection idle GAP seconds is reused each time.
#
#   bench/scripts/idle-gap.sh [DIST=distribution/target/heimdall] [GAP=3] [N=12]
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
DIST=${1:-$ROOT/distribution/target/heimdall}; GAP=${2:-3}; N=${3:-12}
. "$ROOT/bench/scripts/gateway-pair.sh"
start_mock
start_gateway "$DIST" a >/dev/null; U=$(gateway_url a)
wrk -t2 -c16 -d20s -s "$ROOT/bench/scripts/post.lua" "$U/v1/chat/completions" >/dev/null
once() { curl -s -o /dev/null -w '%{time_total}\n' -H 'content-type: application/json' --data-binary "@$2" "$1"; }
: >"$W/direct"; : >"$W/gateway"
for _ in $(seq "$N"); do
  sleep "$GAP"
  once "http://127.0.0.1:$MOCK_PORT/v1/chat/completions" "$ROOT/bench/scripts/chat-direct.json" >>"$W/direct"
  once "$U/v1/chat/completions" "$ROOT/bench/scripts/chat-gateway.json" >>"$W/gateway"
done
python3 - "$W/direct" "$W/gateway" "$GAP" <<'PY'
import statistics, sys
d = [float(x) * 1000 for x in open(sys.argv[1])]; g = [float(x) * 1000 for x in open(sys.argv[2])]
md, mg = statistics.median(d), statistics.median(g)
if __import__("os").environ.get("SHOW"): print("direct ", " ".join(f"{x:.2f}" for x in d)); print("gateway", " ".join(f"{x:.2f}" for x in g))
print(f"{len(d)} requests {sys.argv[3]} s apart: direct median {md:.2f} ms, through the gateway {mg:.2f} ms, added {mg - md:+.2f} ms")
PY
