#!/usr/bin/env bash
# Heimdall load benchmark: direct-to-mock vs through Heimdall, in ONE run, on 127.0.0.1 only.
#
#   ./mvnw -DskipTests package      # once, from the repository root
#   bench/run.sh                    # ~4 minutes; writes bench/results/latest.md and prints it
#
# Phases (each bounded by `timeout`):
#   0. start the mock upstream (testkit MockOpenAiMain) and the gateway (distribution bin/heimdall) on free ports
#   1. throughput: wrk, 64 connections, direct vs gateway                         (needs wrk: apt-get install -y wrk)
#   2. latency at fixed rates (1,000 and 5,000 req/s) with the open-model generator, direct vs gateway
#   3. memory: the gateway's idle RSS after start-up, peak RSS (VmHWM) and RSS after the load
# Every figure is a ratio against direct-to-mock measured in the same run: absolute numbers depend on the machine,
# and here the generator, the gateway and the mock all share its cores.
#
# Tunables (environment): BENCH_DURATION (s, default 15), BENCH_WARMUP (s, default 20: the JIT needs it on 2 shared cores), BENCH_RATES ("1000 5000"),
# BENCH_WRK_CONNECTIONS (64), BENCH_WRK_THREADS (2), BENCH_LAT_CONNECTIONS (32), BENCH_MOCK_LATENCY_MS (0),
# HEIMDALL_JAVA_OPTS (the gateway's JVM options; bin/heimdall's default when unset),
# BENCH_OBSERVABILITY=1 (enable the prometheus, access-log (to a file) and opentelemetry plugins; the OTLP endpoint
# is a closed local port, so spans are built, batched and their export fails off the request path).
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

say() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { say "ERROR: $*"; exit 1; }

# ---- prerequisites -------------------------------------------------------------------------------------------------
. "$BENCH/prereqs.sh"

HAVE_WRK=1
if ! command -v wrk >/dev/null 2>&1; then
  HAVE_WRK=0
  say "wrk not found: the throughput phase is skipped. Install it with: apt-get install -y wrk"
fi

rm -rf "$WORK"
mkdir -p "$WORK" "$(dirname "$RESULTS")"

# ---- processes -----------------------------------------------------------------------------------------------------
MOCK_PID=""
GATEWAY_PID=""
cleanup() {
  for pid in $GATEWAY_PID $MOCK_PID; do
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid" 2>/dev/null || true
    fi
  done
  for pid in $GATEWAY_PID $MOCK_PID; do
    for _ in 1 2 3 4 5 6 7 8 9 10; do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.5
    done
    kill -KILL "$pid" 2>/dev/null || true
  done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# wait_for_url LOG PID PATTERN: prints the URL (http://host:port) of the first line of LOG matching PATTERN.
wait_for_url() {
  local log=$1 pid=$2 pattern=$3 deadline=$((SECONDS + START_TIMEOUT)) url
  while [ "$SECONDS" -lt "$deadline" ]; do
    url=$(grep -m 1 -o -E "$pattern http://[^ /]+:[0-9]+" "$log" 2>/dev/null | grep -o -E 'http://[^ /]+:[0-9]+' || true)
    if [ -n "$url" ]; then
      printf '%s\n' "$url"
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || { sed 's/^/  | /' "$log" >&2; die "process $pid exited before it listened ($log)"; }
    sleep 0.05
  done
  sed 's/^/  | /' "$log" >&2
  die "no '$pattern' line within ${START_TIMEOUT}s ($log)"
}

rss_kb() { sed -n "s/^$2:[[:space:]]*\([0-9]*\) kB/\1/p" "/proc/$1/status" 2>/dev/null || echo 0; }
mb() { awk -v kb="$1" 'BEGIN { printf "%.0f", kb / 1024 }'; }

say "mock upstream: MockOpenAiMain (latency ${MOCK_LATENCY_MS} ms)"
# Module path: the testkit jar, then the distribution's lib/ (same Helidon and Jackson as the gateway), then
# bench/target/lib for anything the testkit needs that the distribution does not ship. First one of a name wins.
"$JAVA" -XX:+UseSerialGC -Xms64m -Xmx256m -XX:+ExitOnOutOfMemoryError \
  --module-path "$TESTKIT_JAR:$DIST/lib:$BENCH/target/lib" \
  -m io.heimdall.testkit/io.heimdall.testkit.MockOpenAiMain \
  --port 0 --host 127.0.0.1 --latency-ms "$MOCK_LATENCY_MS" >"$WORK/mock.log" 2>&1 &
MOCK_PID=$!
MOCK_URL=$(wait_for_url "$WORK/mock.log" "$MOCK_PID" "mock-openai listening on")
MOCK_PORT=${MOCK_URL##*:}
say "mock upstream: $MOCK_URL (pid $MOCK_PID)"

PLUGINS_YAML="[]"
PLUGINS_TEXT="no plugins"
if [ "${BENCH_OBSERVABILITY:-0}" = 1 ]; then
  PLUGINS_YAML="[ { id: prometheus }, { id: access-log, config: { file: \"$WORK/access.log\" } }, { id: opentelemetry, config: { endpoint: \"http://127.0.0.1:9\" } } ]"
  PLUGINS_TEXT="plugins prometheus, access-log (file), opentelemetry (collector unreachable)"
fi
cat >"$WORK/heimdall-bench.yaml" <<EOF
server:
  host: 127.0.0.1
  port: 0
providers:
  mock-upstream:
    type: openai-compatible
    base-url: http://127.0.0.1:$MOCK_PORT/v1
    keys:
      - value: sk-bench-not-a-secret
        weight: 1
        models: ["*"]
models:
  bench:
    targets:
      - model: mock-upstream/gpt-4o-mini
plugins: $PLUGINS_YAML
EOF

say "gateway: $DIST/bin/heimdall"
start_ns=$(date +%s%N)
"$DIST/bin/heimdall" --config "$WORK/heimdall-bench.yaml" --port 0 >"$WORK/gateway.log" 2>&1 &
GATEWAY_PID=$! # bin/heimdall execs java: this is the JVM's pid
GATEWAY_URL=$(wait_for_url "$WORK/gateway.log" "$GATEWAY_PID" "Heimdall listening on")
START_MS=$(( ($(date +%s%N) - start_ns) / 1000000 ))
say "gateway: $GATEWAY_URL (pid $GATEWAY_PID), listening after ${START_MS} ms"
sleep 1
IDLE_RSS_KB=$(rss_kb "$GATEWAY_PID" VmRSS)

DIRECT=$MOCK_URL/v1/chat/completions
GATEWAY=$GATEWAY_URL/v1/chat/completions
DIRECT_BODY=$BENCH/scripts/chat-direct.json
GATEWAY_BODY=$BENCH/scripts/chat-gateway.json

generator() { # generator LABEL URL BODY RATE DURATION WARMUP CONNECTIONS  -> prints the JSON line
  local label=$1 url=$2 body=$3 rate=$4 duration=$5 warmup=$6 connections=$7
  timeout $((duration + warmup + 60)) "$JAVA" -XX:+UseSerialGC -Xms64m -Xmx256m \
    --module-path "$BENCH_JAR:$HDR_JAR" -m io.heimdall.bench/io.heimdall.bench.LoadGenerator \
    --url "$url" --rate "$rate" --duration "$duration" --warmup "$warmup" --connections "$connections" \
    --body-file "$body" --label "$label" --json "$WORK/$label.json" >"$WORK/$label.out" 2>&1 ||
    { sed 's/^/  | /' "$WORK/$label.out" >&2; die "load generator failed: $label"; }
  head -n 1 "$WORK/$label.out" >&2
  cat "$WORK/$label.json"
}
jget() { printf '%s' "$1" | grep -o "\"$2\":[^,}]*" | head -n 1 | cut -d: -f2 | tr -d '"'; }

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
wrk_run() { # wrk_run LABEL URL BODY SECONDS -> prints the WRKRESULT line
  local label=$1 url=$2 body=$3 seconds=$4
  BENCH_BODY_FILE=$body timeout $((seconds + 30)) wrk -t "$WRK_THREADS" -c "$WRK_CONNECTIONS" -d "${seconds}s" \
    --timeout 10s -s "$BENCH/scripts/post.lua" "$url" >"$WORK/$label.out" 2>&1 ||
    { sed 's/^/  | /' "$WORK/$label.out" >&2; die "wrk failed: $label"; }
  grep '^WRKRESULT' "$WORK/$label.out" || die "no WRKRESULT line from wrk ($WORK/$label.out)"
}
kv() { printf '%s' "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }

if [ "$HAVE_WRK" = 1 ]; then
  say "warm-up: wrk ${WARMUP}s direct, ${WARMUP}s gateway"
  wrk_run wrk-warmup-direct "$DIRECT" "$DIRECT_BODY" "$WARMUP" >/dev/null
  wrk_run wrk-warmup-gateway "$GATEWAY" "$GATEWAY_BODY" "$WARMUP" >/dev/null
  say "throughput: wrk -t$WRK_THREADS -c$WRK_CONNECTIONS ${DURATION}s direct"
  WRK_DIRECT=$(wrk_run wrk-direct "$DIRECT" "$DIRECT_BODY" "$DURATION")
  say "  $WRK_DIRECT"
  say "throughput: wrk -t$WRK_THREADS -c$WRK_CONNECTIONS ${DURATION}s gateway"
  WRK_GATEWAY=$(wrk_run wrk-gateway "$GATEWAY" "$GATEWAY_BODY" "$DURATION")
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
ratio() { awk -v g="$1" -v d="$2" 'BEGIN { if (d == "" || g == "" || d + 0 == 0) print "n/a"; else printf "%.2f", g / d }'; }
minus() { awk -v g="$1" -v d="$2" 'BEGIN { if (d == "" || g == "") print "n/a"; else printf "%+.3f", g - d }'; }
GATEWAY_JAVA_OPTS=${HEIMDALL_JAVA_OPTS--XX:+UseSerialGC -Xms64m -Xmx512m -XX:+ExitOnOutOfMemoryError}
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
