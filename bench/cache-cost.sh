#!/usr/bin/env bash
# What the semantic cache costs per request (issue 11, goal 6), in ONE run, as ratios to a plain request.
#
#   ./mvnw -DskipTests package -pl distribution,bench -am     # once, from the repository root
#   bench/cache-cost.sh [CACHE_DIST...]                        # default: distribution/target/heimdall
#   flock /work/briefs/cpu.lock bench/cache-cost.sh OLD_DIST distribution/target/heimdall   # before/after, one run
#
# Starts the testkit mock (MockOpenAiMain, 0 ms latency), one gateway WITHOUT the cache (the first distribution given,
# plain requests) and one gateway WITH the semantic cache per distribution given (default config: the bundled
# MiniLM embedder, threshold 0.80, each its own fresh directory), then runs io.heimdall.bench.CacheCost: sequential
# rounds on one keep-alive connection per gateway, each round = one plain request, and per cache gateway one exact hit
# (the same request again), one semantic hit (a paraphrase of a stored prompt from the plugin's paraphrase set, sent
# with x-heimdall-cache-no-store) and one miss (a unique prompt), shuffled, then a pause so a miss's store (off the
# request path) ends before the next round. Prints a Markdown table (p50/p90/p99, each p50 as a ratio to the plain p50,
# the added p50, and the cache's own lookup time from x-heimdall-cache-lookup-us) and writes it to
# bench/results/cache-cost-latest.md.
#
# Tunables: BENCH_ROUNDS [400], BENCH_WARMUP_ROUNDS [1500], BENCH_GAP_MS [4], BENCH_WORK [bench/target/cache-cost],
# BENCH_RESULTS [bench/results/cache-cost-latest.md], HEIMDALL_JAVA_OPTS (the gateways' JVM options; bin/heimdall's
# default when unset), HEIMDALL_AOT_CACHE (off: no AOT cache; needed for a copied distribution, see below). Labels: the distribution's directory name, or LABELS="before after".
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
BENCH=$ROOT/bench
WORK=${BENCH_WORK:-$BENCH/target/cache-cost}
ROUNDS=${BENCH_ROUNDS:-400}
WARMUP_ROUNDS=${BENCH_WARMUP_ROUNDS:-1500}
GAP_MS=${BENCH_GAP_MS:-4}
RESULTS=${BENCH_RESULTS:-$BENCH/results/cache-cost-latest.md}
if [ "$#" -eq 0 ]; then
  set -- "$ROOT/distribution/target/heimdall"
fi
DIST=$(cd "$1" && pwd -P)
read -r -a LABEL_LIST <<<"${LABELS:-}"

rm -rf "$WORK"
mkdir -p "$WORK" "$(dirname "$RESULTS")"
. "$BENCH/lib.sh"
trap bench_cleanup EXIT
trap 'exit 130' INT TERM

PAIRS=$ROOT/plugins/semantic-cache/src/test/resources/pairs.tsv
[ -f "$PAIRS" ] || die "missing $PAIRS"

start_mock
say "mock upstream: $MOCK_URL (pid $MOCK_PID)"
write_gateway_config "$WORK/plain.yaml" "$MOCK_PORT"
start_gateway "$WORK/plain.yaml" "$WORK/plain.log"
PLAIN_URL=$GATEWAY_URL
say "gateway without cache: $PLAIN_URL ($DIST)"

CACHES=()
i=0
for d in "$@"; do
  d=$(cd "$d" && pwd -P)
  label=${LABEL_LIST[$i]:-cache$i}
  write_gateway_config "$WORK/$label.yaml" "$MOCK_PORT" "
  - id: semantic-cache
    config:
      directory: $WORK/cache-$label"
  DIST=$d start_gateway "$WORK/$label.yaml" "$WORK/$label.log"
  say "gateway with cache '$label': $GATEWAY_URL ($d)"
  CACHES+=(--cache "$label=$GATEWAY_URL")
  i=$((i + 1))
done

say "measuring: $WARMUP_ROUNDS warm-up rounds, then $ROUNDS rounds (load average $(cut -d' ' -f1-3 /proc/loadavg))"
timeout 1800 "$JAVA" -XX:+UseSerialGC -Xms64m -Xmx256m --module-path "$BENCH_JAR:$HDR_JAR" \
  -m io.heimdall.bench/io.heimdall.bench.CacheCost --plain "$PLAIN_URL" "${CACHES[@]}" --pairs "$PAIRS" \
  --rounds "$ROUNDS" --warmup "$WARMUP_ROUNDS" --gap-ms "$GAP_MS" >"$WORK/table.md" 2>"$WORK/cache-cost.err" ||
  { sed 's/^/  | /' "$WORK/cache-cost.err" >&2; die "CacheCost failed"; }
{
  printf '# Semantic cache: cost of a hit and a miss\n\n'
  printf 'Command: `%sbench/cache-cost.sh %s`  \n' "$(env | grep -E '^(BENCH_[A-Z_]+|LABELS|HEIMDALL_JAVA_OPTS)=' | sort | tr '\n' ' ' || true)" "$*"
  printf 'Date: %s; machine: %s; %s\n\n' "$(date -u +%Y-%m-%dT%H:%MZ)" "$(machine_line)" "$JAVA_VERSION"
  cat "$WORK/cache-cost.err"
  cat "$WORK/table.md"
} >"$RESULTS"
cat "$RESULTS"
