#!/usr/bin/env bash
# The gateway's memory under issue 11's three loads, on one fresh gateway (about 2 minutes):
#   idle RSS after start-up; peak RSS (VmHWM) at a fixed 5,000 req/s (open model); with 256 and with 1,000 concurrent
#   200-chunk streams (wrk). VmHWM is reset (/proc/PID/clear_refs) before each load.
#
#   bench/memory.sh [DIST]                       # DIST: a packaged gateway (default distribution/target/heimdall)
#   HEIMDALL_JAVA_OPTS="..." bench/memory.sh     # other JVM options (bin/heimdall's default when unset)
#   NMT=1 HEIMDALL_JAVA_OPTS="... -XX:NativeMemoryTracking=summary" bench/memory.sh   # + jcmd VM.native_memory
#                                                # summary after each load, in bench/target/memory/
# Knobs: MEM_DURATION (s per load [10]), MEM_WARMUP (s before the 5,000 req/s window [5]), MEM_RATE [5000],
# MEM_MANY_STREAMS [1000]. On a shared machine: flock /work/briefs/cpu.lock bench/memory.sh
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
BENCH=$ROOT/bench
DIST=${1:-$ROOT/distribution/target/heimdall}
WORK=$BENCH/target/memory
DUR=${MEM_DURATION:-10}
WU=${MEM_WARMUP:-5}
RATE=${MEM_RATE:-5000}
MANY=${MEM_MANY_STREAMS:-1000}
rm -rf "$WORK"
mkdir -p "$WORK"
. "$BENCH/lib.sh"
trap bench_cleanup EXIT
trap 'exit 130' INT TERM
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

WORDS=$(for i in $(seq 199); do printf 'w%d ' "$i"; done | sed 's/ $//')
printf '{"model":"bench","messages":[{"role":"user","content":"%s"}],"max_tokens":200,"stream":true}' "$WORDS" \
  >"$WORK/stream.json"
start_mock
write_gateway_config "$WORK/heimdall.yaml" "$MOCK_PORT"
start_gateway "$WORK/heimdall.yaml" "$WORK/gateway.log"
P=$GATEWAY_PID
URL=$GATEWAY_URL/v1/chat/completions
threads() { sed -n 's/^Threads:[[:space:]]*//p' "/proc/$P/status"; }
nmt() { if [ -n "${NMT:-}" ]; then jcmd "$P" VM.native_memory summary >"$WORK/nmt-$1.txt" 2>&1 || true; fi; }
sleep 3
echo "memory: JVM flags: $(jvm_flags "$P" | sed "s#$DIST#<dist>#g")"
echo "memory: idle: RSS $(mb "$(rss_kb "$P" VmRSS)") MiB, $(threads) threads (listening after ${START_MS} ms)"
nmt idle

reset_peak_rss "$P" || say "cannot reset VmHWM: the peaks include start-up"
generator open "$URL" "$BENCH/scripts/chat-gateway.json" "$RATE" "$DUR" "$WU" 32 >/dev/null
echo "memory: $RATE req/s: peak RSS $(mb "$(rss_kb "$P" VmHWM)") MiB; $(head -n 1 "$WORK/open.out" | cut -d'|' -f1)"
nmt rate

for n in 256 "$MANY"; do
  settle "$MOCK_PID" "$P"
  reset_peak_rss "$P" || true
  R=$(wrk_run "streams-$n" "$URL" "$WORK/stream.json" "$DUR" "$n" 2)
  echo "memory: $n concurrent streams: peak RSS $(mb "$(rss_kb "$P" VmHWM)") MiB; $(printf '%.0f' "$(kv "$R" rps)") streams/s, $(wrk_errors "$R") errors, $(threads) threads"
  nmt "streams-$n"
done
settle "$MOCK_PID" "$P"
echo "memory: after: RSS $(mb "$(rss_kb "$P" VmRSS)") MiB, $(threads) threads"
