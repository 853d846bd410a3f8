#!/usr/bin/env bash
# Soak: the gateway at a fixed rate for a long time, its RSS, threads and open fds sampled; fails when they grow.
# Not part of any build or test command (an hour by default).
#
#   ./mvnw -DskipTests package            # once, from the repository root
#   bench/soak.sh                         # 1,000 req/s for 3,600 s
#   SOAK_SECONDS=120 bench/soak.sh        # a smoke run
#
# Starts the testkit mock and bin/heimdall on free 127.0.0.1 ports, runs the open-model LoadGenerator through the
# gateway, and every SOAK_INTERVAL seconds writes a line "seconds,rss_kb,threads,fds" (from /proc/PID/status VmRSS and
# Threads, and /proc/PID/fd) to bench/target/soak/samples.csv. At the end it prints first/last/min/max and the
# least-squares slope per hour of each, over the samples after the warm-up, and exits 1 when, after the warm-up,
#   - RSS grew: the mean of the last tenth of the samples exceeds the mean of the first tenth by more than
#     SOAK_RSS_GROWTH_MB, or
#   - threads or fds grew: the highest count of the last tenth exceeds the highest of the first tenth by more than
#     SOAK_THREAD_SLACK / SOAK_FD_SLACK,
# or when requests failed (errors, non-200 or unsent above SOAK_MAX_ERRORS).
#
# Tunables (environment, defaults in brackets): SOAK_RATE [1000], SOAK_SECONDS [3600], SOAK_INTERVAL [10, 1 when
# SOAK_SECONDS < 300], SOAK_WARMUP (s excluded from the checks [300, or a quarter of SOAK_SECONDS when shorter]),
# SOAK_CONNECTIONS [32], SOAK_RSS_GROWTH_MB [16], SOAK_THREAD_SLACK [2], SOAK_FD_SLACK [4], SOAK_MAX_ERRORS [0],
# SOAK_STREAM (1: 200-chunk streams instead of plain requests [0]), HEIMDALL_JAVA_OPTS (bin/heimdall's default when
# unset).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
BENCH=$ROOT/bench
DIST=$ROOT/distribution/target/heimdall
WORK=$BENCH/target/soak
RATE=${SOAK_RATE:-1000}
SECONDS_TOTAL=${SOAK_SECONDS:-3600}
if [ "$SECONDS_TOTAL" -lt 300 ]; then INTERVAL=${SOAK_INTERVAL:-1}; else INTERVAL=${SOAK_INTERVAL:-10}; fi
WARMUP_DEFAULT=$((SECONDS_TOTAL / 4))
[ "$WARMUP_DEFAULT" -gt 300 ] && WARMUP_DEFAULT=300
WARMUP=${SOAK_WARMUP:-$WARMUP_DEFAULT}
CONNECTIONS=${SOAK_CONNECTIONS:-32}
RSS_GROWTH_MB=${SOAK_RSS_GROWTH_MB:-16}
THREAD_SLACK=${SOAK_THREAD_SLACK:-2}
FD_SLACK=${SOAK_FD_SLACK:-4}
MAX_ERRORS=${SOAK_MAX_ERRORS:-0}
CSV=$WORK/samples.csv

rm -rf "$WORK"
mkdir -p "$WORK"
. "$BENCH/lib.sh"
trap bench_cleanup EXIT
trap 'exit 130' INT TERM

start_mock
write_gateway_config "$WORK/heimdall.yaml" "$MOCK_PORT"
start_gateway "$WORK/heimdall.yaml" "$WORK/gateway.log"
say "mock $MOCK_URL, Heimdall $GATEWAY_URL (pid $GATEWAY_PID, JVM flags: $(jvm_flags "$GATEWAY_PID"))"

BODY=$BENCH/scripts/chat-gateway.json
if [ "${SOAK_STREAM:-0}" = 1 ]; then
  BODY=$WORK/stream.json
  printf '{"model":"bench","messages":[{"role":"user","content":"%s"}],"stream":true}' \
    "$(for i in $(seq 199); do printf 'w%d ' "$i"; done | sed 's/ $//')" >"$BODY"
fi

sample() { # one CSV line for the gateway: seconds since the start of the load, RSS kB, threads, open fds
  local t=$1 fds
  fds=$(find "/proc/$GATEWAY_PID/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)
  printf '%s,%s,%s,%s\n' "$t" "$(rss_kb "$GATEWAY_PID" VmRSS)" \
    "$(sed -n 's/^Threads:[[:space:]]*//p' "/proc/$GATEWAY_PID/status")" "$fds" >>"$CSV"
}

say "soak: $RATE req/s for ${SECONDS_TOTAL}s over $CONNECTIONS connections, a sample every ${INTERVAL}s, checks after ${WARMUP}s"
echo "seconds,rss_kb,threads,fds" >"$CSV"
sample 0
(generator soak "$GATEWAY_URL/v1/chat/completions" "$BODY" "$RATE" "$SECONDS_TOTAL" 0 "$CONNECTIONS" >/dev/null) &
GEN_PID=$!
bench_track "$GEN_PID"
load_start=$(date +%s%N)
next=$INTERVAL
while kill -0 "$GEN_PID" 2>/dev/null; do
  now=$(( ($(date +%s%N) - load_start) / 1000000 ))
  if [ "$now" -ge $((next * 1000)) ]; then
    [ "$next" -le "$SECONDS_TOTAL" ] && sample "$next"
    kill -0 "$GATEWAY_PID" 2>/dev/null || die "the gateway exited (see $WORK/gateway.log)"
    next=$((next + INTERVAL))
  fi
  sleep 0.2
done
wait "$GEN_PID" || die "the load generator failed (see $WORK/soak.out)"
RESULT=$(cat "$WORK/soak.json")

# ---- analysis ------------------------------------------------------------------------------------------------------
REPORT=$WORK/report.txt
awk -F, -v warmup="$WARMUP" -v growth_mb="$RSS_GROWTH_MB" -v tslack="$THREAD_SLACK" -v fslack="$FD_SLACK" '
  NR == 1 || $1 < warmup { next }
  { n++; t[n] = $1; v[1, n] = $2 / 1024; v[2, n] = $3; v[3, n] = $4 }
  END {
    if (n < 2) { print "FAIL: fewer than 2 samples after the warm-up"; exit 1 }
    split("RSS MiB,threads,open fds", name, ",")
    tenth = int(n / 10); if (tenth < 1) tenth = 1
    printf "%d samples after the %d s warm-up (%d s to %d s)\n", n, warmup, t[1], t[n]
    printf "%-10s %10s %10s %10s %10s %14s %12s %12s\n", "", "first", "last", "min", "max", "slope per hour", "first 10%", "last 10%"
    fail = 0
    for (k = 1; k <= 3; k++) {
      min = max = v[k, 1]; st = sv = stt = stv = 0
      for (i = 1; i <= n; i++) {
        x = v[k, i]; if (x < min) min = x; if (x > max) max = x
        st += t[i]; sv += x; stt += t[i] * t[i]; stv += t[i] * x
      }
      d = n * stt - st * st; slope = d == 0 ? 0 : (n * stv - st * sv) / d * 3600
      head = tail = 0; headmax = tailmax = -1
      for (i = 1; i <= tenth; i++) { head += v[k, i]; if (v[k, i] > headmax) headmax = v[k, i] }
      for (i = n - tenth + 1; i <= n; i++) { tail += v[k, i]; if (v[k, i] > tailmax) tailmax = v[k, i] }
      head /= tenth; tail /= tenth
      if (k == 1) { a = head; b = tail } else { a = headmax; b = tailmax }
      printf "%-10s %10.1f %10.1f %10.1f %10.1f %+14.2f %12.1f %12.1f\n", name[k], v[k, 1], v[k, n], min, max, slope, a, b
      if (k == 1 && tail - head > growth_mb) { printf "FAIL: RSS grew by %.1f MiB (mean of the last tenth vs the first; limit %s MiB)\n", tail - head, growth_mb; fail = 1 }
      if (k == 2 && tailmax > headmax + tslack) { printf "FAIL: threads grew from %d to %d (slack %d)\n", headmax, tailmax, tslack; fail = 1 }
      if (k == 3 && tailmax > headmax + fslack) { printf "FAIL: open fds grew from %d to %d (slack %d)\n", headmax, tailmax, fslack; fail = 1 }
    }
    exit fail
  }' "$CSV" >"$REPORT" && STATUS=0 || STATUS=1
BAD=$(( $(jget "$RESULT" errors) + $(jget "$RESULT" non_200) + $(jget "$RESULT" unsent) ))
if [ "$BAD" -gt "$MAX_ERRORS" ]; then
  echo "FAIL: $BAD requests failed (errors + non-200 + unsent; limit $MAX_ERRORS): $(jget "$RESULT" first_error)" >>"$REPORT"
  STATUS=1
fi
cat "$REPORT"
say "samples: $CSV; $( [ $STATUS = 0 ] && echo PASS || echo FAIL )"
exit "$STATUS"
