#!/usr/bin/env bash
# Heimdall vs nginx vs direct-to-mock, in ONE run on 127.0.0.1 (issue 11's table). About 8 minutes with the defaults (the JIT warm-ups take 1-3 of them).
#
#   ./mvnw -DskipTests package        # once, from the repository root
#   apt-get install -y wrk            # once; nginx is installed (apt-get install -y nginx) when missing
#   bench/compare.sh                  # writes bench/results/compare-latest.md and the table in docs/benchmarks.md
#
# Three paths to the same mock upstream (testkit MockOpenAiMain): direct; Debian's nginx as a reverse proxy that does
# no work (1 worker, keep-alive upstream, proxy_buffering off, access_log off); Heimdall (distribution bin/heimdall,
# default JVM options, one openai-compatible provider, alias `bench`, no plugins). Phases, each bounded by `timeout`:
#   c. open model at a fixed rate (5,000 req/s): added p50 / p99 of nginx and Heimdall; Heimdall's peak RSS
#      (runs first, so that its peak is not the one of the heavier phases; before it, as before d, each path is loaded
#      until its JVMs' JIT compilers have settled: warm_until_compiled in lib.sh)
#   a. non-streaming throughput, wrk at 64 connections
#   b. added p50 at 1 connection (wrk -c1 -t1)
#   d. streaming: 200-chunk streams/s at 256 connections (wrk), added time to the first event (open model), Heimdall's
#      peak RSS with 256 and with 1,000 concurrent streams
#   f. start-up: launch of bin/heimdall to its "listening" line, several launches
#
# Tunables (environment, defaults in brackets): BENCH_DURATION (s per measured run [10]), BENCH_WARMUP (s per warm-up
# [10]), BENCH_RATE [5000], BENCH_LAT_CONNECTIONS [32], BENCH_WRK_CONNECTIONS [64], BENCH_WRK_THREADS [2],
# BENCH_STREAM_CHUNKS (content chunks per stream [200]), BENCH_STREAM_CONNECTIONS [256], BENCH_STREAM_RATE (streams/s
# of the time-to-first-event run [100]), BENCH_MANY_STREAMS [1000], BENCH_STARTUP_RUNS [5], BENCH_JIT_WARMUP_MAX (s of
# load at most until the JIT settles, before phases c and d [150]), BENCH_UPDATE_DOCS [1]
# (0: leave docs/benchmarks.md alone), HEIMDALL_JAVA_OPTS (the gateway's JVM options; bin/heimdall's default when unset).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
BENCH=$ROOT/bench
DIST=$ROOT/distribution/target/heimdall
WORK=$BENCH/target/compare
DURATION=${BENCH_DURATION:-10}
WARMUP=${BENCH_WARMUP:-10}
RATE=${BENCH_RATE:-5000}
LAT_CONNECTIONS=${BENCH_LAT_CONNECTIONS:-32}
WRK_CONNECTIONS=${BENCH_WRK_CONNECTIONS:-64}
WRK_THREADS=${BENCH_WRK_THREADS:-2}
STREAM_CHUNKS=${BENCH_STREAM_CHUNKS:-200}
STREAM_CONNECTIONS=${BENCH_STREAM_CONNECTIONS:-256}
STREAM_RATE=${BENCH_STREAM_RATE:-100}
MANY_STREAMS=${BENCH_MANY_STREAMS:-1000}
STARTUP_RUNS=${BENCH_STARTUP_RUNS:-5}
UPDATE_DOCS=${BENCH_UPDATE_DOCS:-1}
RESULTS=$BENCH/results/compare-latest.md
DOCS=$ROOT/docs/benchmarks.md
COMMAND_LINE="$(env | grep -E '^(BENCH_[A-Z_]+|HEIMDALL_JAVA_OPTS)=' | sort | tr '\n' ' ' || true)bench/compare.sh"

rm -rf "$WORK"
mkdir -p "$WORK" "$(dirname "$RESULTS")"
. "$BENCH/lib.sh"
trap bench_cleanup EXIT
trap 'exit 130' INT TERM

command -v wrk >/dev/null 2>&1 || die "wrk not found: apt-get install -y wrk"
if ! command -v nginx >/dev/null 2>&1; then
  say "nginx not found: apt-get install -y nginx"
  timeout 300 apt-get install -y nginx >"$WORK/apt.log" 2>&1 || { tail -n 20 "$WORK/apt.log" >&2; die "cannot install nginx"; }
fi
# Up to MANY_STREAMS client connections, as many upstream ones: every process here needs the file descriptors.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
[ "$(ulimit -n)" = unlimited ] || [ "$(ulimit -n)" -gt $((MANY_STREAMS * 2 + 100)) ] ||
  die "ulimit -n is $(ulimit -n): too low for $MANY_STREAMS streams"

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# ---- request bodies ------------------------------------------------------------------------------------------------
# The mock answers "Echo: " + the last user message, one stream event per word: STREAM_CHUNKS - 1 words in the message
# make STREAM_CHUNKS content events (plus the role, finish and [DONE] events).
WORDS=$(for i in $(seq $((STREAM_CHUNKS - 1))); do printf 'w%d ' "$i"; done | sed 's/ $//')
for model in gpt-4o-mini bench; do
  printf '{"model":"%s","messages":[{"role":"user","content":"%s"}],"max_tokens":%d,"stream":true}' \
    "$model" "$WORDS" "$STREAM_CHUNKS" >"$WORK/stream-$model.json"
done
BODY_DIRECT=$BENCH/scripts/chat-direct.json
BODY_GATEWAY=$BENCH/scripts/chat-gateway.json
STREAM_DIRECT=$WORK/stream-gpt-4o-mini.json
STREAM_GATEWAY=$WORK/stream-bench.json

# ---- servers -------------------------------------------------------------------------------------------------------
start_mock
say "mock upstream: $MOCK_URL (pid $MOCK_PID)"

NGINX_DIR=$WORK/nginx
NGINX_PORT=$(free_port)
mkdir -p "$NGINX_DIR/tmp"
cat >"$NGINX_DIR/nginx.conf" <<EOF
# A reverse proxy that does nothing but relay: the floor for any gateway's cost.
daemon off;
worker_processes 1;
worker_rlimit_nofile 20000;
pid $NGINX_DIR/nginx.pid;
error_log $NGINX_DIR/error.log warn;
events { worker_connections 10000; }
http {
  access_log off;
  client_body_temp_path $NGINX_DIR/tmp/body;
  proxy_temp_path $NGINX_DIR/tmp/proxy;
  fastcgi_temp_path $NGINX_DIR/tmp/fastcgi;
  uwsgi_temp_path $NGINX_DIR/tmp/uwsgi;
  scgi_temp_path $NGINX_DIR/tmp/scgi;
  keepalive_requests 1000000;
  upstream mock {
    server 127.0.0.1:$MOCK_PORT;
    keepalive 1024;
    keepalive_requests 1000000;
  }
  server {
    listen 127.0.0.1:$NGINX_PORT;
    location / {
      proxy_pass http://mock;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_buffering off;
      proxy_request_buffering off;
    }
  }
}
EOF
nginx -p "$NGINX_DIR" -e "$NGINX_DIR/error.log" -c "$NGINX_DIR/nginx.conf" >"$NGINX_DIR/stdout.log" 2>&1 &
NGINX_PID=$!
bench_track "$NGINX_PID"
for _ in $(seq 200); do
  (exec 3<>"/dev/tcp/127.0.0.1/$NGINX_PORT") 2>/dev/null && break
  kill -0 "$NGINX_PID" 2>/dev/null || { cat "$NGINX_DIR/error.log" "$NGINX_DIR/stdout.log" >&2; die "nginx exited"; }
  sleep 0.05
done
NGINX_URL=http://127.0.0.1:$NGINX_PORT
say "nginx $(nginx -v 2>&1 | sed 's/.*nginx\///'): $NGINX_URL (pid $NGINX_PID)"

write_gateway_config "$WORK/heimdall.yaml" "$MOCK_PORT"
start_gateway "$WORK/heimdall.yaml" "$WORK/gateway.log"
FIRST_START_MS=$START_MS
say "Heimdall: $GATEWAY_URL (pid $GATEWAY_PID), listening after ${START_MS} ms"
GATEWAY_FLAGS=$(jvm_flags "$GATEWAY_PID" | sed "s#$DIST#<dist>#g")
sleep 2
IDLE_RSS_KB=$(rss_kb "$GATEWAY_PID" VmRSS)

CHAT=/v1/chat/completions
declare -A URL=([direct]=$MOCK_URL$CHAT [nginx]=$NGINX_URL$CHAT [heimdall]=$GATEWAY_URL$CHAT)
declare -A BODY=([direct]=$BODY_DIRECT [nginx]=$BODY_DIRECT [heimdall]=$BODY_GATEWAY)
declare -A STREAM=([direct]=$STREAM_DIRECT [nginx]=$STREAM_DIRECT [heimdall]=$STREAM_GATEWAY)
PATHS="direct nginx heimdall"

# Sanity: every path answers 200, streams included.
for p in $PATHS; do
  for kind in plain stream; do
    if [ $kind = plain ]; then b=${BODY[$p]}; else b=${STREAM[$p]}; fi
    j=$(generator "sanity-$kind-$p" "${URL[$p]}" "$b" 20 1 0 2 2>/dev/null)
    [ "$(jget "$j" completed)" != 0 ] && [ "$(jget "$j" non_200)" = 0 ] && [ "$(jget "$j" errors)" = 0 ] ||
      { sed 's/^/  | /' "$WORK/gateway.log" >&2; die "sanity check failed ($kind, $p): $j"; }
  done
done
curl -s -N -H 'content-type: application/json' --data-binary "@$STREAM_GATEWAY" "${URL[heimdall]}" >"$WORK/stream-sample.txt" || true
EVENTS=$(grep -c '^data: ' "$WORK/stream-sample.txt" || true)
say "a stream through Heimdall has $EVENTS events ($STREAM_CHUNKS content events + role, finish and [DONE])"

# ---- c. open model at a fixed rate ---------------------------------------------------------------------------------
# Each path is first loaded until the JVMs on it (the mock; Heimdall) have compiled what it runs: the figures are the
# steady state's, not the JIT's. The seconds it took are in the report.
declare -A OPEN JIT_CHAT JIT_STREAM
for p in $PATHS; do
  JIT_CHAT[$p]=$(warm_until_compiled "jit-chat-$p" "${URL[$p]}" "${BODY[$p]}" "$WRK_CONNECTIONS" "$WRK_THREADS" \
    "$MOCK_PID" "$GATEWAY_PID")
  say "c. $p: the JIT settled after ${JIT_CHAT[$p]} s of wrk load"
  say "c. open model: $RATE req/s, ${DURATION}s after ${WARMUP}s warm-up, $LAT_CONNECTIONS connections, $p"
  if [ $p = heimdall ]; then reset_peak_rss "$GATEWAY_PID" || say "cannot reset VmHWM: the peak includes start-up"; fi
  settle "$MOCK_PID" "$NGINX_PID" "$GATEWAY_PID"
  OPEN[$p]=$(generator "open-$p" "${URL[$p]}" "${BODY[$p]}" "$RATE" "$DURATION" "$WARMUP" "$LAT_CONNECTIONS")
  if [ $p = heimdall ]; then PEAK_OPEN_KB=$(rss_kb "$GATEWAY_PID" VmHWM); fi
done

# ---- a. throughput -------------------------------------------------------------------------------------------------
declare -A TPUT
for p in $PATHS; do
  say "a. throughput: wrk -t$WRK_THREADS -c$WRK_CONNECTIONS, ${WARMUP}s warm-up + ${DURATION}s, $p"
  wrk_run "wrk-warmup-$p" "${URL[$p]}" "${BODY[$p]}" "$WARMUP" "$WRK_CONNECTIONS" "$WRK_THREADS" >/dev/null
  settle "$MOCK_PID" "$NGINX_PID" "$GATEWAY_PID"
  TPUT[$p]=$(wrk_run "wrk-$p" "${URL[$p]}" "${BODY[$p]}" "$DURATION" "$WRK_CONNECTIONS" "$WRK_THREADS")
  say "  ${TPUT[$p]}"
done

# ---- b. one connection ---------------------------------------------------------------------------------------------
declare -A ONE
for p in $PATHS; do
  say "b. one connection: wrk -t1 -c1 ${DURATION}s, $p"
  settle "$MOCK_PID" "$NGINX_PID" "$GATEWAY_PID"
  ONE[$p]=$(wrk_run "wrk1-$p" "${URL[$p]}" "${BODY[$p]}" "$DURATION" 1 1)
  say "  ${ONE[$p]}"
done

# ---- d. streaming --------------------------------------------------------------------------------------------------
declare -A STREAMS TTFB
for p in $PATHS; do
  JIT_STREAM[$p]=$(warm_until_compiled "jit-stream-$p" "${URL[$p]}" "${STREAM[$p]}" "$STREAM_CONNECTIONS" \
    "$WRK_THREADS" "$MOCK_PID" "$GATEWAY_PID")
  say "d. $p: the JIT settled after ${JIT_STREAM[$p]} s of streams"
  say "d. streams: wrk -t$WRK_THREADS -c$STREAM_CONNECTIONS ${DURATION}s (after $((WARMUP / 2))s warm-up), $p"
  wrk_run "wrk-stream-warmup-$p" "${URL[$p]}" "${STREAM[$p]}" $((WARMUP / 2 + 1)) "$STREAM_CONNECTIONS" "$WRK_THREADS" >/dev/null
  settle "$MOCK_PID" "$NGINX_PID" "$GATEWAY_PID"
  if [ $p = heimdall ]; then reset_peak_rss "$GATEWAY_PID" || true; fi
  STREAMS[$p]=$(wrk_run "wrk-stream-$p" "${URL[$p]}" "${STREAM[$p]}" "$DURATION" "$STREAM_CONNECTIONS" "$WRK_THREADS")
  if [ $p = heimdall ]; then PEAK_STREAMS_KB=$(rss_kb "$GATEWAY_PID" VmHWM); fi
  say "  ${STREAMS[$p]}"
done
for p in $PATHS; do
  say "d. time to first event: $STREAM_RATE streams/s, ${DURATION}s after $((WARMUP / 2))s warm-up, 32 connections, $p"
  settle "$MOCK_PID" "$NGINX_PID" "$GATEWAY_PID"
  TTFB[$p]=$(generator "ttfb-$p" "${URL[$p]}" "${STREAM[$p]}" "$STREAM_RATE" "$DURATION" $((WARMUP / 2)) 32)
done
say "e. $MANY_STREAMS concurrent streams through Heimdall, ${DURATION}s"
settle "$MOCK_PID" "$NGINX_PID" "$GATEWAY_PID"
reset_peak_rss "$GATEWAY_PID" || true
MANY=$(wrk_run "wrk-many-streams" "${URL[heimdall]}" "$STREAM_GATEWAY" "$DURATION" "$MANY_STREAMS" "$WRK_THREADS")
PEAK_MANY_KB=$(rss_kb "$GATEWAY_PID" VmHWM)
say "  $MANY"
settle "$MOCK_PID" "$NGINX_PID" "$GATEWAY_PID"
END_RSS_KB=$(rss_kb "$GATEWAY_PID" VmRSS)
GATEWAY_THREADS=$(sed -n 's/^Threads:[[:space:]]*//p' "/proc/$GATEWAY_PID/status")
stop_pid "$GATEWAY_PID"
settle "$MOCK_PID" "$NGINX_PID"

# ---- f. start-up ---------------------------------------------------------------------------------------------------
STARTS=""
for i in $(seq "$STARTUP_RUNS"); do
  start_gateway "$WORK/heimdall.yaml" "$WORK/gateway-start-$i.log"
  STARTS="$STARTS $START_MS"
  stop_pid "$GATEWAY_PID"
done
START_MEDIAN=$(printf '%s\n' $STARTS | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
START_MIN=$(printf '%s\n' $STARTS | sort -n | head -n 1)
say "f. start-up to listening (ms):$STARTS"

# ---- report --------------------------------------------------------------------------------------------------------
us() { awk -v v="$1" 'BEGIN { if (v == "") print "n/a"; else if (v >= 1 || v <= -1) printf "%+.1f ms", v;
  else printf "%+.0f µs", v * 1000 }'; }
added() { awk -v g="$1" -v d="$2" 'BEGIN { if (g == "" || d == "") print ""; else printf "%.4f", g - d }'; }
# check VALUE OP LIMIT: ✓ or ✗ (empty VALUE: ?)
check() { awk -v v="$1" -v op="$2" -v l="$3" 'BEGIN { if (v == "" || v == "n/a") { print "?"; exit }
  if (op == "<=") ok = (v + 0 <= l + 0); else ok = (v + 0 >= l + 0); print (ok ? "✓" : "✗") }'; }
rps() { printf '%.0f' "$(kv "$1" rps)"; }
mib() { awk -v kb="$1" 'BEGIN { printf "%.0f", kb / 1024 }'; }

R_TPUT_N=$(ratio "$(kv "${TPUT[heimdall]}" rps)" "$(kv "${TPUT[nginx]}" rps)")
R_TPUT_D=$(ratio "$(kv "${TPUT[heimdall]}" rps)" "$(kv "${TPUT[direct]}" rps)")
ONE_N=$(added "$(kv "${ONE[nginx]}" p50_ms)" "$(kv "${ONE[direct]}" p50_ms)")
ONE_H=$(added "$(kv "${ONE[heimdall]}" p50_ms)" "$(kv "${ONE[direct]}" p50_ms)")
R_ONE=$(awk -v n="$ONE_N" -v h="$ONE_H" 'BEGIN { if (n + 0 <= 0 || h == "") print "n/a"; else printf "%.2f", h / n }')
R_STREAM_N=$(ratio "$(kv "${STREAMS[heimdall]}" rps)" "$(kv "${STREAMS[nginx]}" rps)")
R_STREAM_D=$(ratio "$(kv "${STREAMS[heimdall]}" rps)" "$(kv "${STREAMS[direct]}" rps)")
TTFB_N=$(added "$(jget "${TTFB[nginx]}" ttfb_p50)" "$(jget "${TTFB[direct]}" ttfb_p50)")
TTFB_H=$(added "$(jget "${TTFB[heimdall]}" ttfb_p50)" "$(jget "${TTFB[direct]}" ttfb_p50)")
O50_N=$(added "$(jget "${OPEN[nginx]}" p50)" "$(jget "${OPEN[direct]}" p50)")
O99_N=$(added "$(jget "${OPEN[nginx]}" p99)" "$(jget "${OPEN[direct]}" p99)")
O50_H=$(added "$(jget "${OPEN[heimdall]}" p50)" "$(jget "${OPEN[direct]}" p50)")
O99_H=$(added "$(jget "${OPEN[heimdall]}" p99)" "$(jget "${OPEN[direct]}" p99)")
ERRORS=0
for p in $PATHS; do
  for line in "${TPUT[$p]}" "${ONE[$p]}" "${STREAMS[$p]}"; do ERRORS=$((ERRORS + $(wrk_errors "$line"))); done
  for j in "${OPEN[$p]}" "${TTFB[$p]}"; do
    ERRORS=$((ERRORS + $(jget "$j" errors) + $(jget "$j" non_200) + $(jget "$j" unsent)))
  done
done
MANY_ERRORS=$(wrk_errors "$MANY")
STREAM_BYTES=$(wc -c <"$STREAM_GATEWAY" | tr -d ' ')

TABLE=$WORK/table.md
{
  echo "| | direct | nginx | Heimdall | Heimdall / nginx | Heimdall / direct | goal |"
  echo "|---|---:|---:|---:|---:|---:|---|"
  echo "| non-streaming req/s, $WRK_CONNECTIONS connections (wrk) | $(rps "${TPUT[direct]}") | $(rps "${TPUT[nginx]}") | $(rps "${TPUT[heimdall]}") | **$R_TPUT_N** | $R_TPUT_D | ≥ 0.8 of nginx $(check "$R_TPUT_N" '>=' 0.8) |"
  echo "| added p50 at 1 connection (wrk -c1; direct: its p50) | $(kv "${ONE[direct]}" p50_ms) ms | $(us "$ONE_N") | $(us "$ONE_H") | **${R_ONE}×** the cost | | ≤ 1.3× nginx's $(check "$R_ONE" '<=' 1.3) |"
  echo "| open model, $RATE req/s: added p50 / p99 (direct: its p50 / p99) | $(jget "${OPEN[direct]}" p50) / $(jget "${OPEN[direct]}" p99) ms | $(us "$O50_N") / $(us "$O99_N") | $(us "$O50_H") / $(us "$O99_H") | | | ≤ 60 µs $(check "$O50_H" '<=' 0.060) / ≤ 0.5 ms $(check "$O99_H" '<=' 0.5) |"
  echo "| $STREAM_CHUNKS-chunk streams/s, $STREAM_CONNECTIONS connections (wrk) | $(rps "${STREAMS[direct]}") | $(rps "${STREAMS[nginx]}") | $(rps "${STREAMS[heimdall]}") | **$R_STREAM_N** | $R_STREAM_D | ≥ 0.8 of nginx $(check "$R_STREAM_N" '>=' 0.8) |"
  echo "| added time to first event p50, $STREAM_RATE streams/s (direct: its p50) | $(jget "${TTFB[direct]}" ttfb_p50) ms | $(us "$TTFB_N") | $(us "$TTFB_H") | | | ≤ 100 µs $(check "$TTFB_H" '<=' 0.100) |"
  echo "| Heimdall RSS: idle after start | | | $(mib "$IDLE_RSS_KB") MiB | | | ≤ 64 MiB $(check "$(mib "$IDLE_RSS_KB")" '<=' 64) |"
  echo "| Heimdall peak RSS (VmHWM) at $RATE req/s | | | $(mib "$PEAK_OPEN_KB") MiB | | | ≤ 128 MiB $(check "$(mib "$PEAK_OPEN_KB")" '<=' 128) |"
  echo "| Heimdall peak RSS with $STREAM_CONNECTIONS streams | | | $(mib "$PEAK_STREAMS_KB") MiB | | | |"
  echo "| Heimdall peak RSS with $MANY_STREAMS concurrent streams ($(rps "$MANY") streams/s, $MANY_ERRORS errors) | | | $(mib "$PEAK_MANY_KB") MiB | | | ≤ 200 MiB $(check "$(mib "$PEAK_MANY_KB")" '<=' 200) |"
  echo "| start-up: launch to listening, median of $STARTUP_RUNS (min) | | | $START_MEDIAN ms ($START_MIN ms) | | | ≤ 300 ms $(check "$START_MEDIAN" '<=' 300) |"
} >"$TABLE"

{
  echo "# Heimdall vs nginx vs direct-to-mock (bench/compare.sh)"
  echo
  echo "Run $(date -u '+%Y-%m-%d %H:%M UTC'): \`$COMMAND_LINE\`, branch $(git -C "$ROOT" rev-parse --abbrev-ref HEAD 2>/dev/null || echo ?) at $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo ?)."
  echo "Machine: $(machine_line) at the end of the run. Generator, proxies and mock share these cores; all on 127.0.0.1."
  echo "Java: $JAVA_VERSION. nginx $(nginx -v 2>&1 | sed 's/.*nginx\///'): 1 worker, keep-alive upstream, \`proxy_buffering off\`, access log off."
  echo "Heimdall: \`bin/heimdall\`, JVM flags \`$GATEWAY_FLAGS\`; one openai-compatible provider, alias \`bench\`, no plugins."
  echo "Mock: testkit MockOpenAiMain, no latency. Requests: \`scripts/chat-*.json\` (non-streaming); streams of $STREAM_CHUNKS content events ($EVENTS SSE events, request of $STREAM_BYTES bytes)."
  echo "Each measured run: ${DURATION} s after a ${WARMUP} s warm-up (streams: $((WARMUP / 2 + 1)) s). Errors + non-200 + unsent over all measured runs: $ERRORS."
  echo "Before the first phase and before the streams, each path was loaded (wrk, 5 s runs) until its JVMs' JIT compilers used under 5% of their CPU in a run: chat $(for p in $PATHS; do printf '%s %s s, ' "$p" "${JIT_CHAT[$p]}"; done | sed 's/, $//'); streams $(for p in $PATHS; do printf '%s %s s, ' "$p" "${JIT_STREAM[$p]}"; done | sed 's/, $//')."
  echo
  cat "$TABLE"
  echo
  echo "Added = the path's figure minus direct's in the same run. wrk is closed-loop (its column is for throughput); the"
  echo "open-model figures come from \`LoadGenerator\` ($LAT_CONNECTIONS connections; latency from each request's intended"
  echo "send time). Time to first event = to the first byte of the response body. Peak RSS is \`VmHWM\`, reset"
  echo "(\`/proc/PID/clear_refs\`) before each phase, so each peak starts from the RSS the earlier phases left. Heimdall"
  echo "threads at the end: $GATEWAY_THREADS; RSS at the end: $(mib "$END_RSS_KB") MiB. Start-ups (ms):$STARTS (the first launch: $FIRST_START_MS ms)."
  echo "Raw outputs: bench/target/compare/."
} >"$RESULTS"

if [ "$UPDATE_DOCS" = 1 ] && [ -f "$DOCS" ]; then
  if ! grep -q '<!-- compare:begin -->' "$DOCS"; then
    printf '\n## Heimdall vs nginx (bench/compare.sh)\n\n<!-- compare:begin -->\n<!-- compare:end -->\n' >>"$DOCS"
  fi
  awk -v results="$RESULTS" '
    /<!-- compare:begin -->/ { print; while ((getline line < results) > 0) if (line !~ /^# /) print line; skip = 1; next }
    /<!-- compare:end -->/ { skip = 0 }
    !skip { print }' "$DOCS" >"$WORK/benchmarks.md"
  cp "$WORK/benchmarks.md" "$DOCS"
  say "updated the compare section of $DOCS"
fi
cat "$RESULTS"
say "wrote $RESULTS"
