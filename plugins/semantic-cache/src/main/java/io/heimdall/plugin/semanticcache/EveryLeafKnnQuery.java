package io.heimdall.plugin.semanticcache;

import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TopKnnCollector;
import org.apache.lucene.search.knn.KnnCollectorManager;

/**
 * A k-NN query that searches every segment's HNSW graph for the full {@code k} nearest neighbours, each on its own: the
 * semantic tier's second search when Lucene's default found nothing good enough in an index of several segments.
 *
 * <p>Lucene 10's default is "optimistic": each segment is searched for a share of {@code k} in proportion to its size,
 * then the segments whose results compete are searched again. On a cache that holds many near-identical prompts
 * (templated requests) beside a few different ones, that misses: with the bundled embedder, paraphrases of 40 stored
 * prompts missed their entry in up to 17 of 40 lookups once 3,000 templated prompts were stored (3 to 8 segments), and
 * in none with the full {@code k} per segment; ManySegmentsRecallTest builds that shape from synthetic vectors (11 of
 * 40 missed). Searching every segment in full is far slower on a large index (1M clustered vectors in 18 segments:
 * 76 ms median instead of 2.4 to 6.2 ms, docs/benchmarks.md), so it is only the fallback of a miss, and only up to
 * {@link #MAX_DOCS} documents. A merged index has one segment, where both searches are the same.
 */
final class EveryLeafKnnQuery extends KnnFloatVectorQuery {
    /** Above this many documents (deleted ones included) a miss is not searched again. */
    static final int MAX_DOCS = 200_000;

    /** The {@code k} entries nearest to {@code target} among those {@code filter} matches. */
    EveryLeafKnnQuery(String field, float[] target, int k, Query filter) {
        super(field, target, k, filter);
    }

    @Override
    protected KnnCollectorManager getKnnCollectorManager(int k, IndexSearcher searcher) {
        return (visitedLimit, strategy, leaf) -> new TopKnnCollector(k, visitedLimit, strategy);
    }
}
