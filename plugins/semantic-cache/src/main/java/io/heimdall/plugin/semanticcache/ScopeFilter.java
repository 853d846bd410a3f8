package io.heimdall.plugin.semanticcache;

import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.PostingsEnum;
import org.apache.lucene.index.Terms;
import org.apache.lucene.index.TermsEnum;
import org.apache.lucene.search.ConstantScoreScorer;
import org.apache.lucene.search.ConstantScoreWeight;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.QueryVisitor;
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.search.ScorerSupplier;
import org.apache.lucene.search.Weight;
import org.apache.lucene.util.BitSetIterator;
import org.apache.lucene.util.BytesRef;
import org.apache.lucene.util.FixedBitSet;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The semantic tier's filter "documents of this scope", with the documents of each large scope cached per segment.
 * A k-NN query turns its filter into a bitset of the segment's matching documents before it searches the graph; a
 * plain term filter costs a pass over every matching document per lookup (O(N) when one scope holds most entries,
 * as it does for single-turn chats with the same model and parameters). Here a scope holding at least
 * {@link #MIN_CACHED_FRACTION} of a segment is read once into a {@link FixedBitSet} kept for the segment's life
 * (segments never change but for deletions, which Lucene applies from the live docs); Lucene then uses the cached
 * bitset as is when the segment has no deletions and intersects it word by word when it has. Small scopes use the
 * postings directly (their cost is the few documents they hold). The cache is dropped per segment when the segment
 * closes, and holds at most {@link #MAX_SCOPES_PER_SEGMENT} scopes per segment (one bit per document each).
 */
final class ScopeFilter {
    /** A scope with at least this fraction of a segment's documents is cached. */
    static final double MIN_CACHED_FRACTION = 1.0 / 64;
    /** At most this many scopes are cached per segment; beyond that they are read per lookup. */
    static final int MAX_SCOPES_PER_SEGMENT = 32;

    private final String field;
    private final Map<IndexReader.CacheKey, Map<String, FixedBitSet>> cache = new ConcurrentHashMap<>();

    /** A filter on the string field {@code field}. */
    ScopeFilter(String field) {
        this.field = field;
    }

    /** The filter query for one scope. */
    Query query(String scope) {
        return new ScopeQuery(scope);
    }

    /** How many (segment, scope) bitsets are cached now (for tests). */
    int cached() {
        return cache.values().stream().mapToInt(Map::size).sum();
    }

    private DocIdSetIterator docs(LeafReaderContext context, String scope) throws IOException {
        LeafReader reader = context.reader();
        IndexReader.CacheHelper helper = reader.getCoreCacheHelper();
        if (helper != null) {
            Map<String, FixedBitSet> scopes = cache.get(helper.getKey());
            FixedBitSet bits = scopes == null ? null : scopes.get(scope);
            if (bits != null) {
                return new BitSetIterator(bits, bits.cardinality());
            }
        }
        Terms terms = reader.terms(field);
        if (terms == null) {
            return null;
        }
        TermsEnum te = terms.iterator();
        if (!te.seekExact(new BytesRef(scope))) {
            return null;
        }
        int docFreq = te.docFreq();
        PostingsEnum postings = te.postings(null, PostingsEnum.NONE);
        if (helper == null || docFreq < reader.maxDoc() * MIN_CACHED_FRACTION) {
            return postings;
        }
        Map<String, FixedBitSet> scopes = cache.computeIfAbsent(helper.getKey(), key -> {
            helper.addClosedListener(cache::remove);
            return new ConcurrentHashMap<>();
        });
        FixedBitSet bits = new FixedBitSet(reader.maxDoc());
        bits.or(postings);
        if (scopes.size() < MAX_SCOPES_PER_SEGMENT) {
            scopes.putIfAbsent(scope, bits);
        }
        return new BitSetIterator(bits, docFreq);
    }

    private final class ScopeQuery extends Query {
        private final String scope;

        ScopeQuery(String scope) {
            this.scope = scope;
        }

        @Override
        public Weight createWeight(IndexSearcher searcher, ScoreMode scoreMode, float boost) {
            return new ConstantScoreWeight(this, boost) {
                @Override
                public ScorerSupplier scorerSupplier(LeafReaderContext context) throws IOException {
                    DocIdSetIterator it = docs(context, scope);
                    return it == null ? null
                            : new DefaultScorerSupplier(new ConstantScoreScorer(score(), scoreMode, it));
                }

                @Override
                public boolean isCacheable(LeafReaderContext ctx) {
                    return false; // cached here, per segment
                }
            };
        }

        @Override
        public String toString(String f) {
            return "scope:" + scope;
        }

        @Override
        public void visit(QueryVisitor visitor) {
            visitor.visitLeaf(this);
        }

        @Override
        public boolean equals(Object other) {
            return sameClassAs(other) && scope.equals(((ScopeQuery) other).scope);
        }

        @Override
        public int hashCode() {
            return 31 * classHash() + scope.hashCode();
        }
    }
}
