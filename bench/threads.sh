#!/usr/bin/env bash
# The gateway's CPU per request by thread (carriers, C2/C1 compilers, GC, the plugins' own threads), window by window.
#
#   bench/threads.sh DIST CONFIG [WARMUP=45] [SECONDS=10] [WINDOWS=6]    # CONFIG with MOCKPORT where the mock's port goes
#
# After WARMUP seconds of wrk at 64 connections, WINDOWS runs of SECONDS each; per run, each thread name's CPU
# (user + system from /proc/<pid>/task/*/stat) divided by the requests served. Shows when the JIT is done (a config with
# plugins keeps C2 busy longer: their export paths run once per batch) and what a plugin's background thread costs.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
DIST=$1; export CONF_TEMPLATE=$2; WU=${3:-45}; SECS=${4:-10}; WINDOWS=${5:-6}
. "$ROOT/bench/scripts/gateway-pair.sh"
start_mock
GP=$(start_gateway "$DIST" g); URL=$(gateway_url g)
JP=$(pgrep -P "$GP" java || echo "$GP")
load() { wrk -t2 -c64 -d"${1}s" -s "$ROOT/bench/scripts/post.lua" "$URL/v1/chat/completions"; }
load "$WU" >/dev/null 2>&1
snap() {
  for t in /proc/"$JP"/task/*; do
    echo "$(tr ' ' '_' <"$t/comm") $(awk '{print $14+$15}' "$t/stat")"
  done | awk '{a[$1]+=$2} END {for (k in a) print k, a[k]}' | sort
}
T=$(getconf CLK_TCK)
for w in $(seq "$WINDOWS"); do
  snap >"$W/s0"
  N=$(load "$SECS" | grep -o 'requests=[0-9]*' | cut -d= -f2)
  snap >"$W/s1"
  echo "window $w: $N requests"
  join "$W/s0" "$W/s1" | awk -v n="$N" -v t="$T" '{d = $3 - $2; if (d > 0) printf "  %-20s %8.2f us/request\n", $1, d * 1e6 / t / n}' \
    | sort -k2 -nr | head -8
done
