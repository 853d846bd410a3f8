#!/usr/bin/env bash
# Allocations (or CPU) per relayed stream, by allocation site: async-profiler attached to a gateway serving 200-event
# streams (wrk, CONNECTIONS at once) after WARMUP seconds of the same load; 10 s profiled.
#
#   bench/scripts/stream-profile.sh [DIST=distribution/target/heimdall] [CONNECTIONS=256]
#   EVENT=cpu      CPU instead of allocations (share of the samples by innermost Heimdall frame)
#   WARMUP=60      seconds of streams before profiling; HEIMDALL_AOT_CACHE as for bin/heimdall (here: off unless set)
#
# Prints KB allocated per stream by class and by (class, allocating frame, innermost Heimdall frame); the collapsed
# stacks are in bench/target/stream-profile.collapsed. Needs wrk and bench/profile.sh's async-profiler download.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
DIST=${1:-$ROOT/distribution/target/heimdall}; CONNS=${2:-256}; EVENT=${EVENT:-alloc}
OUT=$ROOT/bench/target/stream-profile.collapsed
AP=$ROOT/bench/target/async-profiler/linux-x64/libasyncProfiler.so
[ -f "$AP" ] || { echo "run bench/profile.sh once first (it fetches async-profiler)" >&2; exit 1; }
. "$ROOT/bench/scripts/gateway-pair.sh"
WORDS=$(for i in $(seq 199); do printf 'w%d ' "$i"; done | sed 's/ $//')
printf '{"model":"bench","messages":[{"role":"user","content":"%s"}],"max_tokens":200,"stream":true}' "$WORDS" \
  >"$W/stream.json"
export BENCH_BODY_FILE=$W/stream.json HEIMDALL_AOT_CACHE=${HEIMDALL_AOT_CACHE:-off}
start_mock
GP=$(start_gateway "$DIST" g); URL=$(gateway_url g)/v1/chat/completions
JP=$(pgrep -P "$GP" java || echo "$GP")
JCMD=$(dirname "$JAVA")/jcmd
wrk -t2 -c"$CONNS" -d"${WARMUP:-60}s" -s "$ROOT/bench/scripts/post.lua" "$URL" >/dev/null 2>&1
if [ "$EVENT" = alloc ]; then START="start,event=alloc,alloc=64k"; else START="start,event=$EVENT,interval=1000000"; fi
"$JCMD" "$JP" JVMTI.agent_load "$AP" "\"$START\"" >/dev/null
N=$(wrk -t2 -c"$CONNS" -d10s -s "$ROOT/bench/scripts/post.lua" "$URL" | grep -o 'requests=[0-9]*' | cut -d= -f2)
"$JCMD" "$JP" JVMTI.agent_load "$AP" "\"stop,collapsed,total,file=$OUT\"" >/dev/null
python3 - "$OUT" "$N" "$EVENT" <<'PY'
import collections, sys
path, streams, event = sys.argv[1], int(sys.argv[2]), sys.argv[3]
by_class, by_site, total = collections.Counter(), collections.Counter(), 0
for line in open(path):
    stack, n = line.rstrip().rsplit(" ", 1); n = int(n); total += n
    frames = stack.split(";")
    ours = [f for f in frames if "heimdall" in f]
    inner = ours[-1] if ours else ("JIT" if "CompileBroker" in stack else frames[0])
    if event == "alloc":
        by_class[frames[-1]] += n
        by_site[(frames[-1], frames[-2] if len(frames) > 1 else "?", inner)] += n
    else:
        by_class[inner] += n
if event == "alloc":
    print(f"{streams} streams, {total / streams / 1024:.1f} KB allocated per stream")
    for k, n in by_class.most_common(12):
        print(f"{n / streams / 1024:8.1f} KB  {k}")
    print("by site (class | allocating frame | innermost Heimdall frame):")
    for k, n in by_site.most_common(25):
        print(f"{n / streams / 1024:8.1f} KB  {' | '.join(k)}")
else:
    print(f"{streams} streams; share of the {event} samples by innermost Heimdall frame:")
    for k, n in by_class.most_common(25):
        print(f"{100 * n / total:5.1f} %  {k}")
PY
