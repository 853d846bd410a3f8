#!/usr/bin/env bash
# Semantic cache benchmark: lookup latency of both tiers at several index sizes, index build rate, heap, and the
# bundled embedder's latency per short prompt. Runs SemanticCacheBench (plugins/semantic-cache test sources) in
# Maven's test JVM with Lucene's vector API enabled, and prints the BENCH lines.
#
#   bench/semantic-cache.sh                      # 10k and 100k entries (a few minutes on 2 cores)
#   BENCH_SIZES=10000,100000,1000000 BENCH_THREADS=2 bench/semantic-cache.sh   # 1M too (see docs/benchmarks.md)
#
# The index is built directly through CacheIndex (random 384-dim unit vectors, no embedding), BENCH_THREADS threads
# adding; each size is measured as built, then merged into one segment as the plugin does when writes pause
# (merge-when-idle; BENCH_COMPACT=false skips it) and measured again. BENCH_VECTORS=clustered draws the vectors around
# 2,000 centroids instead (like sentence embeddings). BENCH_DIR keeps the indexes there (re-measure them with
# ExistingIndexBench, see docs/benchmarks.md); by default they go to a temporary folder.
# BENCH_INT8_SIZES=100000 repeats those sizes with Lucene's scalar-quantized (int8) HNSW format. The
# reactor's upstream modules (api, core, testkit) are compiled too (-am), so the end-to-end figure uses this
# checkout's gateway, not whatever snapshot is in ~/.m2.
#
# The paraphrase / near-miss rates are printed by ParaphraseSetTest (part of the module's normal tests).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
SIZES=${BENCH_SIZES:-10000,100000}
HEAP=${BENCH_HEAP:-2g}
cd "$ROOT"
OUT=plugins/semantic-cache/target/semantic-cache-bench.txt   # BENCH lines, written as they are measured
rm -f "$OUT"
./mvnw -o -q -pl plugins/semantic-cache -am verify -Dtest=SemanticCacheBench -Dsurefire.failIfNoSpecifiedTests=false \
  -Dbench.sizes="$SIZES" -Dbench.threads="${BENCH_THREADS:-1}" -Dbench.int8-sizes="${BENCH_INT8_SIZES:-}" -Dbench.dir="${BENCH_DIR:-}" \
  -Dbench.vectors="${BENCH_VECTORS:-random}" -Dbench.compact="${BENCH_COMPACT:-true}" \
  -Dsemantic-cache.argLine="-Xmx$HEAP -XX:+UseParallelGC --add-modules jdk.incubator.vector" >/dev/null || true
grep -h '^BENCH' "$OUT"
