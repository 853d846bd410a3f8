#!/usr/bin/env bash
# Heimdall load benchmark: direct-to-mock vs through Heimdall, in ONE run, on 127.0.0.1 only.
#
#   ./mvnw -DskipTests package      # once, from the repository root
#   bench/run.sh                    # ~5 minutes; writes bench/results/latest.md and prints it
#
# Phases (each bounded by `timeout`):
#   0. start the mock upstream (testkit MockOpenAiMain) and the gateway (distribution bin/heimdall) on free ports
#   1. throughput: wrk, 64 connections, direct vs gateway                         (needs wrk: apt-get install -y wrk)
#      (after the fixed warm-up, the gateway is loaded until its JIT has settled: warm_until_compiled in lib.sh)
#   2. latency at fixed rates (1,000 and 5,000 req/s) with the open-model generator, direct vs gateway
#   3. memory: the gateway's idle RSS after start-up, peak RSS (VmHWM) and RSS after the load
# Every figure is a ratio against direct-to-mock measured in the same run: absolute numbers depend on the machine,
# and here the generator, the gateway and the mock all share its cores.
#
# Tunables (environment): BENCH_DURATION (s, default 15), BENCH_WARMUP (s, default 20: the JIT needs it on 2 shared cores), BENCH_RATES ("1000 5000"),
# BENCH_WRK_CONNECTIONS (64), BENCH_WRK_THREADS (2), BENCH_LAT_CONNECTIONS (32), BENCH_MOCK_LATENCY_MS (0),
# HEIMDALL_JAVA_OPTS (the gateway's JVM options; bin/heimdall's default when unset),
# BENCH_OBSERVABILITY=1 (enable the prometheus, access-log (to a file) and opentelemetry plugins; the spans go to a
# live OTLP/HTTP collector, nginx answering 200 (bench/scripts/otlp-sink-nginx.conf) on the same cores, so the run
# pays for encoding and posting every span; without nginx the endpoint is a closed port and the export fails).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
BENCH=$ROOT/bench
DIST=$ROOT/distribution/target/heimdall
DURATION=${BENCH_DURATION:-15}
WARMUP=${BENCH_WARMUP:-20}
RATES=${BENCH_RATES:-1000 5000}
WRK_CONNECTIONS=${BENCH_WRK_CONNECTIONS:-64}
WRK_THREADS=${BENCH_WRK_THREADS:-2}
LAT_CONNECTIONS=${BENCH_LAT_CONNECTIONS:-32}
MOCK_LATENCY_MS=${BENCH_MOCK_LATENCY_MS:-0}
START_TIMEOUT=30
WORK=$BENCH/target/run
RESULTS=$BENCH/results/latest.md

rm -rf "$WORK"
mkdir -p "$WORK" "$(dirname "$RESULTS")"
. "$BENCH/lib.sh"
trap bench_cleanup EXIT
trap 'exit 130' INT TERM

HAVE_WRK=1
if ! command -v wrk >/dev/null 2>&1; then
  HAVE_WRK=0
  say "wrk not found: the throughput phase is skipped. Install it with: apt-get install -y wrk"
fi

say "mock upstream: MockOpenAiMain (latency ${MOCK_LATENCY_MS} ms)"
start_mock --latency-ms "$MOCK_LATENCY_MS"
say "mock upstream: $MOCK_URL (pid $MOCK_PID)"

PLUGINS_YAML="[]"
PLUGINS_TEXT="no plugins"
if [ "${BENCH_OBSERVABILITY:-0}" = 1 ]; then
  OTLP_ENDPOINT=http://127.0.0.1:9
  OTLP_TEXT="collector unreachable (no nginx to serve as one): spans are built and batched and their export fails"
  if command -v nginx >/dev/null 2>&1; then
    SINK_PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    mkdir -p "$WORK/sink/tmp"
    sed -e "s#SINKDIR#$WORK/sink#g" -e "s#SINKPORT#$SINK_PORT#" "$BENCH/scripts/otlp-sink-nginx.conf" >"$WORK/sink.conf"
    nginx -c "$WORK/sink.conf" -g 'daemon off;' >"$WORK/sink.log" 2>&1 &
    bench_track $!
    for _ in $(seq 50); do
      if [ "$(curl -s -o /dev/null -w '%{http_code}' -X POST --data-binary x "http://127.0.0.1:$SINK_PORT/v1/traces")" = 200 ]; then
        OTLP_ENDPOINT=http://127.0.0.1:$SINK_PORT
        OTLP_TEXT="a live collector: nginx answering OTLP/HTTP with 200 at $OTLP_ENDPOINT, on the same cores"
        break
      fi
      sleep 0.1
    done
    [ "$OTLP_ENDPOINT" != http://127.0.0.1:9 ] || say "the OTLP sink (nginx) did not answer: see $WORK/sink.log; spans go to a closed port"
  fi
  PLUGINS_YAML="[ { id: prometheus }, { id: access-log, config: { file: \"$WORK/access.log\" } }, { id: opentelemetry, config: { endpoint: \"$OTLP_ENDPOINT\" } } ]"
  PLUGINS_TEXT="plugins prometheus, access-log (file), opentelemetry ($OTLP_TEXT)"
fi
write_gateway_config "$WORK/heimdall-bench.yaml" "$MOCK_PORT" "$PLUGINS_YAML"

say "gateway: $DIST/bin/heimdall"
start_gateway "$WORK/heimdall-bench.yaml" "$WORK/gateway.log"
say "gateway: $GATEWAY_URL (pid $GATEWAY_PID), listening after ${START_MS} ms"
sleep 1
IDLE_RSS_KB=$(rss_kb "$GATEWAY_PID" VmRSS)

DIRECT=$MOCK_URL/v1/chat/completions
GATEWAY=$GATEWAY_URL/v1/chat/completions
DIRECT_BODY=$BENCH/scripts/chat-direct.json
GATEWAY_BODY=$BENCH/scripts/chat-gateway.json

# ---- sanity: both paths answer 200 ---------------------------------------------------------------------------------
sanity() { # sanity NAME URL BODY: 20 requests at 20/s must all answer 200
  local json
  json=$(generator "sanity-$1" "$2" "$3" 20 1 0 2)
  if [ "$(jget "$json" completed)" = "0" ] || [ "$(jget "$json" non_200)" != "0" ] || [ "$(jget "$json" errors)" != "0" ]; then
    say "gateway log:"
    sed 's/^/  | /' "$WORK/gateway.log" >&2
    die "sanity check failed for $1: $json"
  fi
}
sanity direct "$DIRECT" "$DIRECT_BODY"
sanity gateway "$GATEWAY" "$GATEWAY_BODY"

# ---- phase 1: throughput with wrk ----------------------------------------------------------------------------------
if [ "$HAVE_WRK" = 1 ]; then
  say "warm-up: wrk ${WARMUP}s direct, ${WARMUP}s gateway"
  wrk_run wrk-warmup-direct "$DIRECT" "$DIRECT_BODY" "$WARMUP" "$WRK_CONNECTIONS" "$WRK_THREADS" >/dev/null
  wrk_run wrk-warmup-gateway "$GATEWAY" "$GATEWAY_BODY" "$WARMUP" "$WRK_CONNECTIONS" "$WRK_THREADS" >/dev/null
  # then until the JIT has compiled the gateway's hot paths (40-60 s of load on two cores; lib.sh)
  JIT_WARMUP=$(warm_until_compiled wrk-jit "$GATEWAY" "$GATEWAY_BODY" "$WRK_CONNECTIONS" "$WRK_THREADS" \
    "$MOCK_PID" "$GATEWAY_PID")
  say "warm-up: the JIT settled after ${JIT_WARMUP}s more of wrk load"
  say "throughput: wrk -t$WRK_THREADS -c$WRK_CONNECTIONS ${DURATION}s direct"
  WRK_DIRECT=$(wrk_run wrk-direct "$DIRECT" "$DIRECT_BODY" "$DURATION" "$WRK_CONNECTIONS" "$WRK_THREADS")
  say "  $WRK_DIRECT"
  say "throughput: wrk -t$WRK_THREADS -c$WRK_CONNECTIONS ${DURATION}s gateway"
  WRK_GATEWAY=$(wrk_run wrk-gateway "$GATEWAY" "$GATEWAY_BODY" "$DURATION" "$WRK_CONNECTIONS" "$WRK_THREADS")
  say "  $WRK_GATEWAY"
fi

# ---- phase 2: latency at fixed rates -------------------------------------------------------------------------------
declare -A LAT
for rate in $RATES; do
  say "latency: ${rate}/s for ${DURATION}s (+${WARMUP}s warm-up), $LAT_CONNECTIONS connections, direct"
  LAT[$rate.direct]=$(generator "rate$rate-direct" "$DIRECT" "$DIRECT_BODY" "$rate" "$DURATION" "$WARMUP" "$LAT_CONNECTIONS")
  say "latency: ${rate}/s for ${DURATION}s (+${WARMUP}s warm-up), $LAT_CONNECTIONS connections, gateway"
  LAT[$rate.gateway]=$(generator "rate$rate-gateway" "$GATEWAY" "$GATEWAY_BODY" "$rate" "$DURATION" "$WARMUP" "$LAT_CONNECTIONS")
done

# ---- phase 3: memory -----------------------------------------------------------------------------------------------
PEAK_RSS_KB=$(rss_kb "$GATEWAY_PID" VmHWM)
sleep 2
AFTER_RSS_KB=$(rss_kb "$GATEWAY_PID" VmRSS)

# ---- report --------------------------------------------------------------------------------------------------------
GATEWAY_JAVA_OPTS=${HEIMDALL_JAVA_OPTS--XX:+UseSerialGC -Xms32m -Xmn16m -Xmx512m -XX:TrimNativeHeapInterval=5000 -XX:+ExitOnOutOfMemoryError}
{
  echo "# Heimdall benchmark: direct-to-mock vs through Heimdall"
  echo
  echo "Run $(date -u '+%Y-%m-%d %H:%M UTC') on $(nproc) cores ($(grep -m 1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ *//' || echo unknown CPU)),"
  echo "$JAVA_VERSION. Generator, gateway and mock upstream share these cores; all on 127.0.0.1."
  echo "Mock upstream: testkit MockOpenAiMain, latency ${MOCK_LATENCY_MS} ms. Gateway: \`bin/heimdall\` with"
  echo "\`HEIMDALL_JAVA_OPTS=$GATEWAY_JAVA_OPTS\`, one openai-compatible provider, alias \`bench\`, $PLUGINS_TEXT."
  echo "Request: POST /v1/chat/completions, $(wc -c <"$GATEWAY_BODY" | tr -d ' ') bytes of JSON, non-streaming."
  echo
  if [ "$HAVE_WRK" = 1 ]; then
    echo "## Throughput (wrk, $WRK_THREADS threads, $WRK_CONNECTIONS connections, ${DURATION} s after ${WARMUP} s warm-up)"
    echo
    echo "The gateway was then loaded until its JIT compilers used under 5% of its CPU in a 5 s run: ${JIT_WARMUP} s more."
    echo
    echo "| path | req/s | p50 ms | p90 ms | p99 ms | max ms | errors |"
    echo "|---|---:|---:|---:|---:|---:|---:|"
    for p in direct gateway; do
      if [ $p = direct ]; then line=$WRK_DIRECT; name="direct → mock"; else line=$WRK_GATEWAY; name="Heimdall → mock"; fi
      errors=$(( $(kv "$line" connect) + $(kv "$line" read) + $(kv "$line" write) + $(kv "$line" status) + $(kv "$line" timeout) ))
      echo "| $name | $(kv "$line" rps) | $(kv "$line" p50_ms) | $(kv "$line" p90_ms) | $(kv "$line" p99_ms) | $(kv "$line" max_ms) | $errors |"
    done
    echo "| **gateway / direct** | **$(ratio "$(kv "$WRK_GATEWAY" rps)" "$(kv "$WRK_DIRECT" rps)")** | $(ratio "$(kv "$WRK_GATEWAY" p50_ms)" "$(kv "$WRK_DIRECT" p50_ms)") | $(ratio "$(kv "$WRK_GATEWAY" p90_ms)" "$(kv "$WRK_DIRECT" p90_ms)") | $(ratio "$(kv "$WRK_GATEWAY" p99_ms)" "$(kv "$WRK_DIRECT" p99_ms)") | $(ratio "$(kv "$WRK_GATEWAY" max_ms)" "$(kv "$WRK_DIRECT" max_ms)") | |"
    echo
    echo "wrk is closed-loop: its latencies are for comparison only (coordinated omission); see the next table."
    echo
  else
    echo "## Throughput: skipped (wrk not installed: \`apt-get install -y wrk\`)"
    echo
  fi
  echo "## Latency at a fixed rate (open model, $LAT_CONNECTIONS connections, ${DURATION} s after ${WARMUP} s warm-up)"
  echo
  echo "Measured from each request's intended send time (no coordinated omission). Milliseconds."
  echo
  echo "| rate | path | achieved/s | p50 | p90 | p99 | p99.9 | max | errors + non-200 + unsent | generator CPU |"
  echo "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|"
  for rate in $RATES; do
    d=${LAT[$rate.direct]}
    g=${LAT[$rate.gateway]}
    for p in direct gateway; do
      if [ $p = direct ]; then j=$d; name="direct → mock"; else j=$g; name="Heimdall → mock"; fi
      bad=$(( $(jget "$j" errors) + $(jget "$j" non_200) + $(jget "$j" unsent) ))
      echo "| $rate | $name | $(jget "$j" achieved_rate) | $(jget "$j" p50) | $(jget "$j" p90) | $(jget "$j" p99) | $(jget "$j" p99_9) | $(jget "$j" max) | $bad | $(jget "$j" generator_cpu_cores) cores |"
    done
    echo "| $rate | **added by Heimdall** | | $(minus "$(jget "$g" p50)" "$(jget "$d" p50)") | $(minus "$(jget "$g" p90)" "$(jget "$d" p90)") | $(minus "$(jget "$g" p99)" "$(jget "$d" p99)") | $(minus "$(jget "$g" p99_9)" "$(jget "$d" p99_9)") | $(minus "$(jget "$g" max)" "$(jget "$d" max)") | | |"
    echo "| $rate | gateway / direct | $(ratio "$(jget "$g" achieved_rate)" "$(jget "$d" achieved_rate)") | $(ratio "$(jget "$g" p50)" "$(jget "$d" p50)") | $(ratio "$(jget "$g" p90)" "$(jget "$d" p90)") | $(ratio "$(jget "$g" p99)" "$(jget "$d" p99)") | $(ratio "$(jget "$g" p99_9)" "$(jget "$d" p99_9)") | $(ratio "$(jget "$g" max)" "$(jget "$d" max)") | | |"
  done
  echo
  echo "## Gateway memory and start-up"
  echo
  echo "| listening after | idle RSS after start | peak RSS (VmHWM) | RSS after the load |"
  echo "|---:|---:|---:|---:|"
  echo "| ${START_MS} ms | $(mb "$IDLE_RSS_KB") MB | $(mb "$PEAK_RSS_KB") MB | $(mb "$AFTER_RSS_KB") MB |"
  echo
  echo "Raw outputs: bench/target/run/ (*.out, *.json, gateway.log, mock.log)."
} >"$RESULTS"

cat "$RESULTS"
say "wrote $RESULTS"
