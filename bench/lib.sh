# Shell functions shared by bench/run.sh, bench/compare.sh and bench/soak.sh (sourced, not run).
# Expects ROOT (the repository), BENCH (ROOT/bench), DIST (the packaged gateway) and WORK (a folder for logs and raw
# outputs) to be set, and sources bench/prereqs.sh, which sets JAVA, JAVA_VERSION, TESTKIT_JAR, BENCH_JAR, HDR_JAR.
# Processes started with the start_* functions are remembered and stopped by bench_cleanup, which the caller traps:
#   trap bench_cleanup EXIT; trap 'exit 130' INT TERM
START_TIMEOUT=${START_TIMEOUT:-30}

say() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { say "ERROR: $*"; exit 1; }

. "$BENCH/prereqs.sh"

BENCH_PIDS=""
bench_track() { BENCH_PIDS="$1 $BENCH_PIDS"; }
# Stops the tracked processes (newest first): SIGTERM, up to 5 s each, then SIGKILL.
bench_cleanup() {
  local pid
  for pid in $BENCH_PIDS; do
    kill -0 "$pid" 2>/dev/null && kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in $BENCH_PIDS; do
    for _ in 1 2 3 4 5 6 7 8 9 10; do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.5
    done
    kill -KILL "$pid" 2>/dev/null || true
  done
  BENCH_PIDS=""
}
# stop_pid PID: stops one tracked process now (SIGTERM, then SIGKILL after 5 s) and forgets it.
stop_pid() {
  local pid=$1
  kill -TERM "$pid" 2>/dev/null || true
  for _ in 1 2 3 4 5 6 7 8 9 10; do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.5
  done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  BENCH_PIDS=$(printf '%s\n' $BENCH_PIDS | grep -v -x "$pid" | tr '\n' ' ' || true)
}

# wait_for_url LOG PID PATTERN: prints the URL (http://host:port) of the first line of LOG matching PATTERN.
# Polls every 5 ms with bash builtins only: the grep and sleep processes it started per poll took so much of the two
# cores from the JVM it was timing that launches read 1.6 s instead of 0.9 s (bench/startup.py, 2026-12-02).
wait_for_url() {
  local log=$1 pid=$2 pattern=$3 deadline=$((SECONDS + START_TIMEOUT)) line nap
  local re="$pattern (http://[^ /]+:[0-9]+)"
  exec {nap}<> <(:) # a pipe nobody writes to: read -t on it is a sleep without a process
  while [ "$SECONDS" -lt "$deadline" ]; do
    if [ -r "$log" ]; then
      while IFS= read -r line; do # whole lines only: a line still being written may end mid-port
        if [[ $line =~ $re ]]; then
          exec {nap}>&-
          printf '%s\n' "${BASH_REMATCH[1]}"
          return 0
        fi
      done <"$log"
    fi
    kill -0 "$pid" 2>/dev/null || { exec {nap}>&-; sed 's/^/  | /' "$log" >&2; die "process $pid exited before it listened ($log)"; }
    read -r -t 0.005 -u "$nap" line || true
  done
  exec {nap}>&-
  sed 's/^/  | /' "$log" >&2
  die "no '$pattern' line within ${START_TIMEOUT}s ($log)"
}

rss_kb() { sed -n "s/^$2:[[:space:]]*\([0-9]*\) kB/\1/p" "/proc/$1/status" 2>/dev/null || echo 0; }
mb() { awk -v kb="$1" 'BEGIN { printf "%.0f", kb / 1024 }'; }
# reset_peak_rss PID: restarts VmHWM from the current RSS (Linux clear_refs "5"); false when not permitted.
reset_peak_rss() { echo 5 2>/dev/null >"/proc/$1/clear_refs"; }

# settle PID...: waits (at most 15 s) until the processes together use less than a tenth of a core over half a
# second: streams a client abandoned may still be running in the proxy and the mock after a load run ends.
settle() {
  local deadline=$((SECONDS + 15)) before after hz
  hz=$(getconf CLK_TCK)
  cpu_ticks() { local t=0 p; for p in "$@"; do t=$((t + $(awk '{ print $14 + $15 }' "/proc/$p/stat" 2>/dev/null || echo 0))); done; echo "$t"; }
  while [ "$SECONDS" -lt "$deadline" ]; do
    before=$(cpu_ticks "$@")
    sleep 0.5
    after=$(cpu_ticks "$@")
    [ $((after - before)) -le $((hz / 20)) ] && return 0
  done
  say "still busy after 15 s: $*"
}

# start_mock [MockOpenAiMain flags...]: the testkit mock on a free port; sets MOCK_PID, MOCK_URL, MOCK_PORT. Logs to
# MOCK_LOG (default WORK/mock.log).
# Module path: the testkit jar, then the distribution's lib/ (same Helidon and Jackson as the gateway), then
# bench/target/lib for anything the testkit needs that the distribution does not ship. First one of a name wins.
start_mock() {
  "$JAVA" -XX:+UseSerialGC -Xms64m -Xmx256m -XX:+ExitOnOutOfMemoryError \
    --module-path "$TESTKIT_JAR:$DIST/lib:$BENCH/target/lib" \
    -m io.heimdall.testkit/io.heimdall.testkit.MockOpenAiMain \
    --port 0 --host 127.0.0.1 "$@" >"${MOCK_LOG:-$WORK/mock.log}" 2>&1 &
  MOCK_PID=$!
  bench_track "$MOCK_PID"
  MOCK_URL=$(wait_for_url "${MOCK_LOG:-$WORK/mock.log}" "$MOCK_PID" "mock-openai listening on")
  MOCK_PORT=${MOCK_URL##*:}
}

# write_gateway_config FILE MOCK_PORT [PLUGINS_YAML]: provider mock-upstream (openai-compatible), alias bench.
write_gateway_config() {
  cat >"$1" <<EOF
server:
  host: 127.0.0.1
  port: 0
providers:
  mock-upstream:
    type: openai-compatible
    base-url: http://127.0.0.1:$2/v1
    keys:
      - value: sk-bench-not-a-secret
        weight: 1
        models: ["*"]
models:
  bench:
    targets:
      - model: mock-upstream/gpt-4o-mini
plugins: ${3:-[]}
EOF
}

# start_gateway CONFIG LOG: bin/heimdall on a free port; sets GATEWAY_PID, GATEWAY_URL and START_MS (launch to the
# "Heimdall listening on" line, polled every 5 ms). bin/heimdall execs java: the pid is the JVM's.
start_gateway() {
  local start_us=${EPOCHREALTIME/[.,]/}
  "$DIST/bin/heimdall" --config "$1" --port 0 >"$2" 2>&1 &
  GATEWAY_PID=$!
  bench_track "$GATEWAY_PID"
  GATEWAY_URL=$(wait_for_url "$2" "$GATEWAY_PID" "Heimdall listening on")
  START_MS=$(( (${EPOCHREALTIME/[.,]/} - start_us) / 1000 ))
}

# jvm_flags PID: the JVM options of a running java: its command line up to -m, without the module path and the
# --add-modules list.
jvm_flags() {
  tr '\0' '\n' <"/proc/$1/cmdline" | awk 'NR == 1 { next } $0 == "-m" || $0 == "--module" { exit }
    skip { skip = 0; next } $0 == "--module-path" || $0 == "-p" || $0 == "--add-modules" { skip = 1; next }
    { printf "%s ", $0 }' | sed 's/ $//'
}

# generator LABEL URL BODY RATE DURATION WARMUP CONNECTIONS [more LoadGenerator flags]: the open-model generator;
# prints its JSON line (raw output in WORK/LABEL.out, JSON in WORK/LABEL.json).
generator() {
  local label=$1 url=$2 body=$3 rate=$4 duration=$5 warmup=$6 connections=$7
  shift 7
  timeout $((duration + warmup + 60)) "$JAVA" -XX:+UseSerialGC -Xms64m -Xmx256m \
    --module-path "$BENCH_JAR:$HDR_JAR" -m io.heimdall.bench/io.heimdall.bench.LoadGenerator \
    --url "$url" --rate "$rate" --duration "$duration" --warmup "$warmup" --connections "$connections" \
    --body-file "$body" --label "$label" --json "$WORK/$label.json" "$@" >"$WORK/$label.out" 2>&1 ||
    { sed 's/^/  | /' "$WORK/$label.out" >&2; die "load generator failed: $label"; }
  head -n 1 "$WORK/$label.out" >&2
  cat "$WORK/$label.json"
}
jget() { printf '%s' "$1" | grep -o "\"$2\":[^,}]*" | head -n 1 | cut -d: -f2 | tr -d '"'; }

# wrk_run LABEL URL BODY SECONDS CONNECTIONS THREADS: wrk with scripts/post.lua; prints its WRKRESULT line.
wrk_run() {
  local label=$1 url=$2 body=$3 seconds=$4 connections=$5 threads=$6
  BENCH_BODY_FILE=$body timeout $((seconds + 30)) wrk -t "$threads" -c "$connections" -d "${seconds}s" \
    --timeout 10s -s "$BENCH/scripts/post.lua" "$url" >"$WORK/$label.out" 2>&1 ||
    { sed 's/^/  | /' "$WORK/$label.out" >&2; die "wrk failed: $label"; }
  grep '^WRKRESULT' "$WORK/$label.out" || die "no WRKRESULT line from wrk ($WORK/$label.out)"
}
kv() { printf '%s' "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }
# wrk_errors LINE: connect + read + write + status (non-2xx/3xx) + timeout errors of a WRKRESULT line.
wrk_errors() { echo $(( $(kv "$1" connect) + $(kv "$1" read) + $(kv "$1" write) + $(kv "$1" status) + $(kv "$1" timeout) )); }

# compiler_ticks PID: CPU ticks used so far by the JIT compiler threads (C1, C2) of PID; 0 for a process without them.
compiler_ticks() {
  local t=0 task
  for task in /proc/"$1"/task/*; do
    case "$(cat "$task/comm" 2>/dev/null)" in
      C1\ CompilerThre* | C2\ CompilerThre*) t=$((t + $(cut -d')' -f2 "$task/stat" | awk '{ print $12 + $13 }'))) ;;
    esac
  done
  echo "$t"
}
process_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0; }

# warm_until_compiled LABEL URL BODY CONNECTIONS THREADS PID...: load in 5 s wrk runs until the JIT compilers of the
# processes PID... used under 5% of their CPU in one run, at least two runs (the first reconnect deoptimizes some
# compiled code, which C2 then compiles again), at most BENCH_JIT_WARMUP_MAX seconds [150]. Prints the seconds of load
# it took (with "+" when it stopped at the limit). A JVM under load on two cores takes 40-60 s to compile its hot paths:
# a fixed 10 s warm-up measured a gateway whose compiler still used a third of a core.
warm_until_compiled() {
  local label=$1 url=$2 body=$3 connections=$4 threads=$5
  shift 5
  local spent=0 runs=0 max=${BENCH_JIT_WARMUP_MAX:-150} c0 c1 p0 p1 p
  while [ "$spent" -lt "$max" ]; do
    c0=0 p0=0
    for p in "$@"; do c0=$((c0 + $(compiler_ticks "$p"))); p0=$((p0 + $(process_ticks "$p"))); done
    wrk_run "$label-$runs" "$url" "$body" 5 "$connections" "$threads" >/dev/null
    c1=0 p1=0
    for p in "$@"; do c1=$((c1 + $(compiler_ticks "$p"))); p1=$((p1 + $(process_ticks "$p"))); done
    spent=$((spent + 5)) runs=$((runs + 1))
    if [ "$runs" -ge 2 ] && [ $(((c1 - c0) * 20)) -le $((p1 - p0)) ]; then
      echo "$spent"
      return 0
    fi
  done
  echo "$spent+"
}

ratio() { awk -v g="$1" -v d="$2" 'BEGIN { if (d == "" || g == "" || d + 0 == 0) print "n/a"; else printf "%.2f", g / d }'; }
minus() { awk -v g="$1" -v d="$2" 'BEGIN { if (d == "" || g == "") print "n/a"; else printf "%+.3f", g - d }'; }

# machine_line: cores, CPU model, memory and load, for a report.
machine_line() {
  printf '%s cores (%s), %s MiB memory, load average %s' "$(nproc)" \
    "$(grep -m 1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ *//' || echo unknown CPU)" \
    "$(awk '/^MemTotal/ { printf "%.0f", $2 / 1024 }' /proc/meminfo)" \
    "$(cut -d' ' -f1-3 /proc/loadavg)"
}
