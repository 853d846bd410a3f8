#!/usr/bin/env bash
# CPU profile of the gateway under load, in microseconds per request (async-profiler, from Maven Central).
#
#   bench/profile.sh [DIST=distribution/target/heimdall] [SECONDS=10] [CONNECTIONS=64]
#   CONF_TEMPLATE=my.yaml bench/profile.sh ...   # a config with MOCKPORT where the mock's port goes
#   WARMUP=45: seconds of load before profiling (until the JIT is done: JIT CPU would otherwise show as cost)
#
# Writes bench/target/profile.collapsed (collapsed stacks, 1 sample = 1 ms of CPU) and prints the CPU per request by
# innermost Heimdall frame. Needs wrk, perf events allowed for the user (else use EVENT=itimer, coarser).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
DIST=${1:-$ROOT/distribution/target/heimdall}; SECS=${2:-10}; CONNS=${3:-64}; EVENT=${EVENT:-cpu}
OUT=$ROOT/bench/target/profile.collapsed
AP=$ROOT/bench/target/async-profiler
if [ ! -f "$AP/linux-x64/libasyncProfiler.so" ]; then
  (cd "$ROOT" && ./mvnw -q -B dependency:copy -Dartifact=tools.profiler:async-profiler:4.1 -DoutputDirectory="$AP")
  (cd "$AP" && unzip -q -o async-profiler-4.1.jar 'linux-x64/*')
fi
. "$ROOT/bench/scripts/gateway-pair.sh"
start_mock
GP=$(start_gateway "$DIST" g); URL=$(gateway_url g)
JCMD=$(dirname "$JAVA")/jcmd
JP=$(pgrep -P "$GP" java || echo "$GP")
wrk -t2 -c"$CONNS" -d"${WARMUP:-45}s" -s "$ROOT/bench/scripts/post.lua" "$URL/v1/chat/completions" >/dev/null 2>&1
# and once more: the first reconnect deoptimizes the hot paths and C2 recompiles them (see bench/ab.sh)
wrk -t2 -c"$CONNS" -d5s -s "$ROOT/bench/scripts/post.lua" "$URL/v1/chat/completions" >/dev/null 2>&1
"$JCMD" "$JP" JVMTI.agent_load "$AP/linux-x64/libasyncProfiler.so" "\"start,event=$EVENT,interval=1000000\"" >/dev/null
N=$(wrk -t2 -c"$CONNS" -d"${SECS}s" -s "$ROOT/bench/scripts/post.lua" "$URL/v1/chat/completions" \
  | grep -o 'requests=[0-9]*' | cut -d= -f2)
"$JCMD" "$JP" JVMTI.agent_load "$AP/linux-x64/libasyncProfiler.so" "\"stop,collapsed,file=$OUT\"" >/dev/null
python3 - "$OUT" "$N" <<'PY'
import collections, re, sys
path, requests = sys.argv[1], int(sys.argv[2]); by = collections.Counter(); total = 0
for line in open(path):
    stack, n = line.rstrip().rsplit(" ", 1); n = int(n); total += n
    frames = [re.sub(r"\.0x[0-9a-f]+", "", f) for f in stack.split(";")]
    ours = [f for f in frames if "heimdall" in f]
    by[ours[-1] if ours else ("JIT compiler" if "CompileBroker::compiler_thread_loop" in frames else frames[0])] += n
print(f"{requests} requests, {total * 1000 / requests:.1f} CPU us per request; by innermost Heimdall frame:")
for k, n in by.most_common(30):
    print(f"{n * 1000 / requests:8.2f} us  {k}")
PY
