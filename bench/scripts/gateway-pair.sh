# Sourced by bench/ab.sh and bench/profile.sh: a mock upstream and gateways on free 127.0.0.1 ports, killed on exit.
# Expects ROOT (the repository); sets W (a work folder), MOCK_PORT; start_gateway DIST NAME prints the gateway's pid.
JAVA=${JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
W=$(mktemp -d)
# start_gateway runs in a command substitution (a subshell), so the pids to kill on exit are kept in a file
trap 'kill $(cat "$W/pids" 2>/dev/null) 2>/dev/null || true' EXIT
export BENCH_BODY_FILE=${BENCH_BODY_FILE:-$ROOT/bench/scripts/chat-gateway.json}
start_mock() {
  local tk
  tk=$(ls "$ROOT"/gateway-testkit/target/heimdall-testkit-*.jar | grep -v -e sources -e javadoc | head -1)
  "$JAVA" -XX:+UseSerialGC -Xmx256m --module-path "$tk:$ROOT/distribution/target/heimdall/lib:$ROOT/bench/target/lib" \
    -m io.heimdall.testkit/io.heimdall.testkit.MockOpenAiMain --port 0 --host 127.0.0.1 >"$W/mock.log" 2>&1 &
  echo "$!" >>"$W/pids"
  for _ in $(seq 100); do grep -q "listening on" "$W/mock.log" && break; sleep 0.1; done
  MOCK_PORT=$(grep -o -E 'http://[^ /]+:[0-9]+' "$W/mock.log" | head -1); MOCK_PORT=${MOCK_PORT##*:}
  if [ -n "${CONF_TEMPLATE:-}" ]; then
    sed "s/MOCKPORT/$MOCK_PORT/" "$CONF_TEMPLATE" >"$W/c.yaml"
  else
    printf 'server:\n  host: 127.0.0.1\n  port: 0\nproviders:\n  mock-upstream:\n    type: openai-compatible\n    base-url: http://127.0.0.1:%s/v1\n    keys:\n      - value: sk-bench-not-a-secret\n        models: ["*"]\nmodels:\n  bench:\n    targets:\n      - model: mock-upstream/gpt-4o-mini\nplugins: []\n' "$MOCK_PORT" >"$W/c.yaml"
  fi
}
start_gateway() {
  local config=$W/c.yaml
  if [ "$2" = b ] && [ -n "${CONF_TEMPLATE_B:-}" ]; then
    config=$W/c-b.yaml
    sed "s/MOCKPORT/$MOCK_PORT/" "$CONF_TEMPLATE_B" >"$config"
  fi
  local opts=${JOPTS:--XX:+UseSerialGC -Xms64m -Xmx512m}
  if [ "$2" = b ] && [ -n "${JOPTS_B:-}" ]; then
    opts=$JOPTS_B
  fi
  HEIMDALL_JAVA_OPTS="$opts" "$1/bin/heimdall" --config "$config" --port 0 \
    --no-watch >"$W/$2.log" 2>&1 &
  local pid=$!
  echo "$pid" >>"$W/pids"
  for _ in $(seq 300); do grep -q "listening on" "$W/$2.log" && break; sleep 0.1; done
  echo "$pid"
}
gateway_url() { grep -o -E 'listening on http://[^ /]+:[0-9]+' "$W/$1.log" | head -1 | grep -o -E 'http://.*'; }
