#!/usr/bin/env bash
# Young and full collections per request under load: the gateway with -Xlog:gc, 40 s of `wrk -t2 -c64` to warm up,
# then 20 s measured; prints the collections, their pauses and the pause time per request.
#
#   bench/scripts/gc-per-request.sh [DIST=distribution/target/heimdall]
#   JOPTS (default: bin/heimdall's heap flags) and CONF_TEMPLATE as in gateway-pair.sh
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
DIST=${1:-$ROOT/distribution/target/heimdall}
. "$ROOT/bench/scripts/gateway-pair.sh"
start_mock
export JOPTS="${JOPTS:--XX:+UseSerialGC -Xms32m -Xmn16m -Xmx512m} -Xlog:gc:file=$W/gc.log:uptime"
G=$(start_gateway "$DIST" a); U=$(gateway_url a)
wrk -t2 -c64 -d40s -s "$ROOT/bench/scripts/post.lua" "$U/v1/chat/completions" >/dev/null
skip=$(wc -l <"$W/gc.log")
n=$(wrk -t2 -c64 -d20s -s "$ROOT/bench/scripts/post.lua" "$U/v1/chat/completions" | grep -o 'requests=[0-9]*' | cut -d= -f2)
tail -n +"$((skip + 1))" "$W/gc.log" >"$W/gc-measured.log"
python3 - "$n" "$W/gc-measured.log" <<'PY'
import re, sys
n = int(sys.argv[1]); kinds = {"Young": [], "Full": []}
for line in open(sys.argv[2]):
    m = re.search(r"Pause (Young|Full).*?(\d+)M->(\d+)M\((\d+)M\) ([\d.]+)ms", line)
    if m:
        kinds[m.group(1)].append((int(m.group(2)), int(m.group(3)), float(m.group(5))))
print(f"{n} requests in 20 s")
for kind, pauses in kinds.items():
    if not pauses:
        print(f"{kind.lower()}: none")
        continue
    total = sum(p[2] for p in pauses); freed = sum(p[0] - p[1] for p in pauses)
    print(f"{kind.lower()}: {len(pauses)} pauses, mean {total / len(pauses):.2f} ms, {total * 1000 / n:.2f} us per "
          f"request; {freed / len(pauses):.1f} MB freed per pause (~{freed * 1024 / n:.1f} KB allocated "
          f"per request)")
PY
