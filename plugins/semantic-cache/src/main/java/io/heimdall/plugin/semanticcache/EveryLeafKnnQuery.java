package io.heimdall.plugin.semanticcache;

import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TopKnnCollector;
import org.apache.lucene.search.knn.KnnCollectorManager;

/**
 * A k-NN query that searches every segment's HNSW graph for the full {@code k} nearest neighbours, each on its own.
 *
 * <p>Lucene 10's default is "optimistic": each segment is searched for a share of {@code k} in proportion to its size,
 * and segments share the best scores found so far to stop early. On a cache that holds many near-identical prompts
 * (templated requests) beside a few different ones, that share is a beam too narrow to leave the crowd: with the
 * bundled embedder, paraphrases of 40 stored prompts missed their entry in up to 17 of 40 lookups once 3,000 templated
 * prompts were stored (3 to 8 segments), and in none with the full {@code k} per segment; ManySegmentsRecallTest
 * builds that shape from synthetic vectors (11 of 40 missed before). A merged index has one segment, where both are
 * the same; an index of several segments pays up to one full search per segment.
 */
final class EveryLeafKnnQuery extends KnnFloatVectorQuery {
    /** The {@code k} entries nearest to {@code target} among those {@code filter} matches. */
    EveryLeafKnnQuery(String field, float[] target, int k, Query filter) {
        super(field, target, k, filter);
    }

    @Override
    protected KnnCollectorManager getKnnCollectorManager(int k, IndexSearcher searcher) {
        return (visitedLimit, strategy, leaf) -> new TopKnnCollector(k, visitedLimit, strategy);
    }
}
