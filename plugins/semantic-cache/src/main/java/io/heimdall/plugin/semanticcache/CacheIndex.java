package io.heimdall.plugin.semanticcache;

import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene104.Lucene104Codec;
import org.apache.lucene.codecs.lucene104.Lucene104HnswScalarQuantizedVectorsFormat;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherFactory;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.Sort;
import org.apache.lucene.search.SortField;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.BytesRef;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The cache's Lucene index: one document per entry with its id (the exact key), semantic scope, namespace, prompt,
 * prompt vector ({@link KnnFloatVectorField}, cosine, HNSW), creation and expiry times and the stored answer. Reads go
 * through a near-real-time {@link SearcherManager}; writes are committed by {@link #commit()} (a crash loses at most
 * the entries since the last commit and never corrupts the index). One instance per folder in this layer, shared by
 * reference count, so an instance rebuilt on a config reload never opens a second writer on the same folder.
 */
final class CacheIndex implements AutoCloseable {
    private static final String ID = "id";
    private static final String SCOPE = "scope";
    private static final String NS = "ns";
    private static final String VECTOR = "vector";
    private static final String PROMPT = "prompt";
    private static final String EXPIRES = "expires";
    private static final String CREATED = "created";
    private static final String ANSWER = "answer";
    private static final Map<Path, CacheIndex> OPEN = new HashMap<>();
    private static final double RAM_BUFFER_MB = 64;
    /**
     * Neighbours per HNSW node (Lucene's default is 16). On one segment of 30k random 384-d vectors, recall@1 at k=20
     * was 93.7 % with 16, 98.5-99 % with 24 and 99.9 % with 32, for +10 % and +50 % build time (docs/benchmarks.md).
     */
    static final int MAX_CONN = 24;
    /**
     * Heap a merge needs per entry, twice the merged segment's on-heap HNSW graph (two arrays, neighbour ids and scores,
     * of 2 x {@link #MAX_CONN} on the bottom level, plus object overhead): the 1M-entry merge of the benchmark peaked at
     * 1.29 GB of used heap.
     */
    static final long MERGE_HEAP_PER_ENTRY = 32L * MAX_CONN + 256;
    /** Compact once this share of the documents sits outside the largest segment or is deleted. */
    static final double COMPACT_SHARE = 0.05;

    private final Path folder;
    private final FSDirectory directory;
    private final IndexWriter writer;
    private final SearcherManager searchers;
    private final Optional<ExecutorService> search;
    private final ScopeFilter scopes = new ScopeFilter(SCOPE);
    private int refs;
    private volatile boolean dirty;
    private volatile long lastAdd = System.nanoTime();
    private volatile boolean compacting;

    /**
     * An entry read from the index.
     *
     * @param id        the entry id (the exact key)
     * @param namespace its namespace
     * @param prompt    the prompt it was stored for (empty string if it has none)
     * @param expiresAt expiry, epoch milliseconds
     * @param answer    the stored answer's bytes
     * @param score     cosine similarity to the query (1 for an exact hit)
     */
    record Entry(String id, String namespace, String prompt, long expiresAt, byte[] answer, double score) {
    }

    private CacheIndex(Path folder, boolean int8, int searchThreads) throws IOException {
        this.folder = folder;
        Files.createDirectories(folder);
        directory = FSDirectory.open(folder);
        // A bigger RAM buffer than Lucene's 16 MB: fewer, larger flushed segments, so fewer HNSW graph merges on bulk
        // loads (each flush builds a graph, each merge re-inserts the smaller segments' vectors).
        IndexWriterConfig config = new IndexWriterConfig()
                .setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND).setRAMBufferSizeMB(RAM_BUFFER_MB);
        if (int8) {
            config.setCodec(new Lucene104Codec() {
                @Override
                public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
                    return new Lucene104HnswScalarQuantizedVectorsFormat();
                }
            });
        } else {
            config.setCodec(new Lucene104Codec() {
                @Override
                public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
                    return new Lucene99HnswVectorsFormat(MAX_CONN, Lucene99HnswVectorsFormat.DEFAULT_BEAM_WIDTH);
                }
            });
        }
        writer = new IndexWriter(directory, config);
        if (searchThreads > 1) {
            // Lucene searches the segments' graphs as tasks on this pool (the caller runs one of them itself).
            search = Optional.of(Executors.newFixedThreadPool(searchThreads - 1, r -> {
                Thread t = new Thread(r, "semantic-cache-search");
                t.setDaemon(true);
                return t;
            }));
        } else {
            search = Optional.empty();
        }
        searchers = new SearcherManager(writer, new SearcherFactory() {
            @Override
            public IndexSearcher newSearcher(IndexReader reader, IndexReader previous) {
                return new IndexSearcher(reader, search.orElse(null));
            }
        });
    }

    /** Opens (or shares) the index in {@code folder}. */
    static CacheIndex open(Path folder) {
        return open(folder, false, 1);
    }

    /**
     * Opens (or shares) the index in {@code folder}; with {@code int8}, new segments store the vectors scalar-quantized
     * as well (Lucene104HnswScalarQuantizedVectorsFormat: the graph is built and searched on 8-bit vectors). Only the
     * benchmark uses it for now (docs/benchmarks.md). With {@code searchThreads} above 1, a lookup searches the
     * segments in parallel (the first opening decides).
     */
    static CacheIndex open(Path folder, boolean int8, int searchThreads) {
        Path key = folder.toAbsolutePath().normalize();
        synchronized (OPEN) {
            CacheIndex index = OPEN.get(key);
            if (index == null) {
                try {
                    index = new CacheIndex(key, int8, searchThreads);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot open the cache index in " + key, e);
                }
                OPEN.put(key, index);
            }
            index.refs++;
            return index;
        }
    }

    /** The folder. */
    Path folder() {
        return folder;
    }

    /**
     * The live entry with this id, if any. Reads the id's postings segment by segment (at most one live document has
     * an id: writes replace by id), without a query, its weight and a collector, which cost more than the look-up.
     */
    Optional<Entry> exact(String id, long now) {
        try {
            IndexSearcher s = searchers.acquire();
            try {
                BytesRef term = new BytesRef(id);
                for (org.apache.lucene.index.LeafReaderContext leaf : s.getIndexReader().leaves()) {
                    org.apache.lucene.index.Terms terms = leaf.reader().terms(ID);
                    if (terms == null) {
                        continue;
                    }
                    org.apache.lucene.index.TermsEnum te = terms.iterator();
                    if (!te.seekExact(term)) {
                        continue;
                    }
                    org.apache.lucene.index.PostingsEnum docs = te.postings(null,
                            org.apache.lucene.index.PostingsEnum.NONE);
                    org.apache.lucene.util.Bits live = leaf.reader().getLiveDocs();
                    for (int doc = docs.nextDoc(); doc != org.apache.lucene.search.DocIdSetIterator.NO_MORE_DOCS;
                         doc = docs.nextDoc()) {
                        if (live == null || live.get(doc)) {
                            Entry e = entry(leaf.reader().storedFields().document(doc), 1.0);
                            return e.expiresAt() > now ? Optional.of(e) : Optional.empty();
                        }
                    }
                }
                return Optional.empty();
            } finally {
                searchers.release(s);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Entry entry(Document d, double score) {
        return new Entry(d.get(ID), d.get(NS), d.get(PROMPT) == null ? "" : d.get(PROMPT),
                d.getField(EXPIRES + "-stored").numericValue().longValue(),
                BytesRef.deepCopyOf(d.getBinaryValue(ANSWER)).bytes, score);
    }

    /**
     * The live entries of {@code scope} nearest to {@code vector}, best first, with their cosine similarity. Asks the
     * HNSW graph for {@code k} neighbours (k also widens the search: k=1 is greedy and misses).
     */
    List<Entry> nearest(float[] vector, String scope, int k, long now) {
        return nearest(vector, scope, k, now, -1.0);
    }

    /**
     * Like {@link #nearest(float[], String, int, long)}, but stops at the first candidate below {@code minScore}: only
     * the candidates at or above it are read from the stored fields. The search is filtered by scope only (a cached
     * per-segment bitset, see {@link ScopeFilter}); expiry is checked on the candidates found (expired entries are
     * purged in the background), so no filter varies per query.
     */
    List<Entry> nearest(float[] vector, String scope, int k, long now, double minScore) {
        Query filter = scopes.query(scope);
        List<Entry> found = search(s -> {
            TopDocs top = s.search(new KnnFloatVectorQuery(VECTOR, vector, k, filter), k);
            IndexReader reader = s.getIndexReader();
            if (reader.leaves().size() > 1 && reader.maxDoc() <= EveryLeafKnnQuery.MAX_DOCS
                    && (top.scoreDocs.length == 0 || 2.0 * top.scoreDocs[0].score - 1.0 < minScore)) {
                // Nothing good enough in several segments: Lucene's share of k per segment can miss an entry beside a
                // crowd of similar ones; search each segment for the full k (see EveryLeafKnnQuery).
                top = s.search(new EveryLeafKnnQuery(VECTOR, vector, k, filter), k);
            }
            return top;
        }, minScore);
        found.removeIf(e -> e.expiresAt() <= now);
        return found;
    }

    private interface SearchCall {
        TopDocs run(IndexSearcher s) throws IOException;
    }

    private List<Entry> search(SearchCall call, double minScore) {
        try {
            IndexSearcher s = searchers.acquire();
            try {
                TopDocs top = call.run(s);
                StoredFields fields = s.storedFields();
                List<Entry> out = new ArrayList<>(top.scoreDocs.length);
                for (ScoreDoc sd : top.scoreDocs) {
                    // Lucene scores cosine as (1 + cos) / 2.
                    double score = 2.0 * sd.score - 1.0;
                    if (score < minScore) {
                        break;
                    }
                    out.add(entry(fields.document(sd.doc), score));
                }
                return out;
            } finally {
                searchers.release(s);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Adds or replaces the entry {@code id}, visible to the next lookup. */
    void put(String id, String scope, String namespace, Optional<String> prompt, Optional<float[]> vector,
             long createdAt, long expiresAt, byte[] answer) {
        add(id, scope, namespace, prompt, vector, createdAt, expiresAt, answer);
        refresh();
    }

    /** Makes every write so far visible to lookups. */
    void refresh() {
        try {
            searchers.maybeRefreshBlocking();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Adds or replaces the entry {@code id}, visible after the next {@link #refresh()} (bulk loading). */
    void add(String id, String scope, String namespace, Optional<String> prompt, Optional<float[]> vector,
             long createdAt, long expiresAt, byte[] answer) {
        Document d = new Document();
        d.add(new StringField(ID, id, Field.Store.YES));
        d.add(new StringField(SCOPE, scope, Field.Store.NO));
        d.add(new StringField(NS, namespace, Field.Store.YES));
        prompt.ifPresent(p -> d.add(new StoredField(PROMPT, p)));
        vector.ifPresent(v -> d.add(new KnnFloatVectorField(VECTOR, v, VectorSimilarityFunction.COSINE)));
        d.add(new LongPoint(EXPIRES, expiresAt));
        d.add(new StoredField(EXPIRES + "-stored", expiresAt));
        d.add(new NumericDocValuesField(CREATED, createdAt));
        d.add(new StoredField(ANSWER, answer));
        try {
            writer.updateDocument(new Term(ID, id), d);
            dirty = true;
            lastAdd = System.nanoTime();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What {@link #compact(long)} did. */
    enum Compaction {
        /** Nothing to do: one segment, too few documents elsewhere, or written too recently. */
        NONE,
        /** A merge into one segment was started. */
        STARTED,
        /** The merge started earlier is still running. */
        RUNNING,
        /** The merge finished and lookups now see its segment. */
        FINISHED,
        /** Worth doing, but the merged graph would not fit the free heap (see {@link #MERGE_HEAP_PER_ENTRY}). */
        NO_HEAP
    }

    /**
     * Background compaction, called periodically off the request path. Lucene searches each segment's HNSW graph
     * separately (each with a share of k), so an index left in many segments by its merge policy is slower and misses
     * more than one graph over the same entries. Once no entry has been added for {@code idleNanos} and at least
     * {@link #COMPACT_SHARE} of the documents sit outside the largest segment or are deleted, this starts merging all
     * segments into one ({@link IndexWriter#forceMerge(int, boolean)} without waiting: the merge runs on Lucene's
     * merge thread, reusing the largest segment's graph, while lookups and writes go on). A later call sees the merge
     * done, refreshes the searcher and marks the index for the next commit (which frees the old segments' files).
     */
    Compaction compact(long idleNanos) {
        try {
            if (compacting) {
                if (writer.hasPendingMerges() || !writer.getMergingSegments().isEmpty()) {
                    return Compaction.RUNNING;
                }
                compacting = false;
                dirty = true;
                searchers.maybeRefreshBlocking();
                return Compaction.FINISHED;
            }
            if (System.nanoTime() - lastAdd < idleNanos || !worthCompacting()) {
                return Compaction.NONE;
            }
            Runtime rt = Runtime.getRuntime();
            if ((long) writer.getDocStats().maxDoc * MERGE_HEAP_PER_ENTRY
                    > rt.maxMemory() - (rt.totalMemory() - rt.freeMemory())) {
                return Compaction.NO_HEAP;
            }
            compacting = true;
            writer.forceMerge(1, false);
            return Compaction.STARTED;
        } catch (IOException e) {
            compacting = false;
            throw new UncheckedIOException(e);
        }
    }

    private boolean worthCompacting() throws IOException {
        searchers.maybeRefreshBlocking();
        IndexSearcher s = searchers.acquire();
        try {
            List<org.apache.lucene.index.LeafReaderContext> leaves = s.getIndexReader().leaves();
            if (leaves.size() < 2 && s.getIndexReader().numDeletedDocs() == 0) {
                return false;
            }
            long all = 0;
            long largestLive = 0;
            for (org.apache.lucene.index.LeafReaderContext leaf : leaves) {
                all += leaf.reader().maxDoc();
                largestLive = Math.max(largestLive, leaf.reader().numDocs());
            }
            return all - largestLive >= Math.max(1, COMPACT_SHARE * all);
        } finally {
            searchers.release(s);
        }
    }

    /** Deletes every entry of a namespace; returns how many there were. */
    long deleteNamespace(String namespace) {
        return delete(new TermQuery(new Term(NS, namespace)));
    }

    /** Deletes one entry; returns whether it existed. */
    boolean deleteEntry(String id) {
        return delete(new TermQuery(new Term(ID, id))) > 0;
    }

    /** Deletes every entry. */
    long clear() {
        return delete(new MatchAllDocsQuery());
    }

    /** Deletes entries that expired by {@code now}; returns how many. */
    long purgeExpired(long now) {
        return delete(LongPoint.newRangeQuery(EXPIRES, Long.MIN_VALUE, now));
    }

    /** Deletes the oldest entries beyond {@code maxEntries}; returns how many. */
    long evict(long maxEntries) {
        try {
            int over = size() - (int) Math.min(Integer.MAX_VALUE, maxEntries);
            if (over <= 0) {
                return 0;
            }
            List<String> oldest = new ArrayList<>(over);
            IndexSearcher s = searchers.acquire();
            try {
                TopDocs top = s.search(new MatchAllDocsQuery(), over, new Sort(new SortField(CREATED,
                        SortField.Type.LONG)));
                StoredFields fields = s.storedFields();
                for (ScoreDoc sd : top.scoreDocs) {
                    oldest.add(fields.document(sd.doc).get(ID));
                }
            } finally {
                searchers.release(s);
            }
            Term[] terms = oldest.stream().map(id -> new Term(ID, id)).toArray(Term[]::new);
            writer.deleteDocuments(terms);
            dirty = true;
            searchers.maybeRefreshBlocking();
            return terms.length;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private long delete(Query query) {
        try {
            IndexSearcher s = searchers.acquire();
            int count;
            try {
                count = s.count(query);
            } finally {
                searchers.release(s);
            }
            if (count > 0) {
                writer.deleteDocuments(query);
                dirty = true;
                searchers.maybeRefreshBlocking();
            }
            return count;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The searched segments' sizes, for benchmarks: "n segments: a, b, ...". */
    String describe() {
        try {
            IndexSearcher s = searchers.acquire();
            try {
                List<String> sizes = s.getIndexReader().leaves().stream()
                        .map(l -> String.valueOf(l.reader().maxDoc())).toList();
                return sizes.size() + " segments: " + String.join(", ", sizes);
            } finally {
                searchers.release(s);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The number of segments lookups search. */
    int segments() {
        try {
            IndexSearcher s = searchers.acquire();
            try {
                return s.getIndexReader().leaves().size();
            } finally {
                searchers.release(s);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** How many (segment, scope) filter bitsets are cached (for tests). */
    int cachedScopeFilters() {
        return scopes.cached();
    }

    /** The number of entries (including expired ones not yet purged). */
    int size() {
        return writer.getDocStats().numDocs;
    }

    /** Commits pending writes to disk, if there are any. */
    void commit() {
        if (!dirty) {
            return;
        }
        dirty = false;
        try {
            writer.commit();
        } catch (IOException e) {
            dirty = true;
            throw new UncheckedIOException(e);
        }
    }

    /** Releases one reference; the last one commits and closes the index. */
    @Override
    public void close() {
        synchronized (OPEN) {
            if (--refs > 0) {
                return;
            }
            OPEN.remove(folder);
        }
        try {
            searchers.close();
            if (compacting) {
                // close() would wait for the merge (minutes on a large index): keep every entry, drop the merge.
                writer.commit();
                writer.rollback();
            } else {
                writer.close();
            }
            directory.close();
            search.ifPresent(ExecutorService::shutdown);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
