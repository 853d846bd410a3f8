#!/usr/bin/env bash
# A/B of two gateway builds on one mock upstream: alternating wrk rounds, req/s and the gateway's CPU per request.
#
#   bench/ab.sh DIST_A DIST_B [ROUNDS=4] [SECONDS=8] [CONNECTIONS=64]
#   e.g. bench/ab.sh /tmp/old/distribution/target/heimdall distribution/target/heimdall
#   CONF_TEMPLATE_B=with-plugins.yaml bench/ab.sh D D   # one build, B with another config (MOCKPORT = the mock's port)
#   WARMUP=45: seconds of load per gateway before the rounds (plugins add code for the JIT to compile: give it time)
#
# CPU per request (user + system from /proc/<pid>/stat, divided by requests served) is far steadier than req/s on a
# shared 2-core machine. Needs wrk and a packaged tree (./mvnw -DskipTests package) for the mock and the Lua script.
set -euo pipefail
A=$1; B=$2; ROUNDS=${3:-4}; SECS=${4:-8}; CONNS=${5:-64}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
. "$ROOT/bench/scripts/gateway-pair.sh"
start_mock
GA=$(start_gateway "$A" a); GB=$(start_gateway "$B" b)
UA=$(gateway_url a); UB=$(gateway_url b)
run() { wrk -t2 -c"$CONNS" -d"${2}s" -s "$ROOT/bench/scripts/post.lua" "$1/v1/chat/completions" 2>&1 \
  | grep -o 'requests=[0-9]*' | cut -d= -f2; }
cpu() { awk '{print $14+$15}' "/proc/$1/stat"; }
sys() { awk '{print $15}' "/proc/$1/stat"; }
# warm-up: the JIT needs ~40 s at a few thousand req/s on 2 cores before CPU per request is steady; then a second,
# short run, because the first reconnect after a run's connections closed deoptimizes the hot paths (uncommon traps in
# the accept and close branches) and C2 recompiles them for seconds (76 us per request in the next 10 s, 1-3 after)
for u in "$UA" "$UB"; do run "$u" "${WARMUP:-45}" >/dev/null; run "$u" 5 >/dev/null; done
SA=0; SB=0; CA=0; CB=0; KA=0; KB=0
for r in $(seq "$ROUNDS"); do
  c0=$(cpu "$GA"); s0=$(sys "$GA"); a=$(run "$UA" "$SECS"); CA=$((CA + $(cpu "$GA") - c0)); KA=$((KA + $(sys "$GA") - s0))
  c0=$(cpu "$GB"); s0=$(sys "$GB"); b=$(run "$UB" "$SECS"); CB=$((CB + $(cpu "$GB") - c0)); KB=$((KB + $(sys "$GB") - s0))
  echo "round $r: A $((a / SECS)) req/s, B $((b / SECS)) req/s"
  SA=$((SA + a)); SB=$((SB + b))
done
T=$(getconf CLK_TCK)
per() { python3 -c "print(round($1 * 1e6 / $T / $2, 1))"; }
echo "A: $((SA / SECS / ROUNDS)) req/s, $(per $CA $SA) CPU us/request ($(per $KA $SA) system)"
echo "B: $((SB / SECS / ROUNDS)) req/s, $(per $CB $SB) CPU us/request ($(per $KB $SB) system)"
echo "B/A throughput: $(python3 -c "print(round($SB / $SA, 3))")"
