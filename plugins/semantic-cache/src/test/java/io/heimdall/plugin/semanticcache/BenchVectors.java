package io.heimdall.plugin.semanticcache;

import java.util.SplittableRandom;

/**
 * The benchmarks' vectors, 384 dimensions, entry i's from its own seed (so an index is the same whatever the thread
 * count, and a query can be made from any entry): {@code random} unit vectors (no neighbourhood structure: HNSW's worst
 * case) or {@code clustered} ones, drawn around {@link #CENTROIDS} random centroids with a spread that puts two entries
 * of a cluster at a cosine of about 0.65 and an entry at about 0.8 from its centroid, as related sentences are.
 */
final class BenchVectors {
    static final int DIM = 384;
    static final int CENTROIDS = 2_000;
    private static final double SPREAD = Math.sqrt(0.54 / DIM); // |noise|^2 = 0.54: cos(member, member) = 1 / 1.54

    private BenchVectors() {
    }

    /** Which kind {@code -Dbench.vectors} names: random (the default) or clustered. */
    static boolean clustered() {
        return "clustered".equals(System.getProperty("bench.vectors", "random"));
    }

    /** Entry i's vector. */
    static float[] of(int i, boolean clustered) {
        SplittableRandom r = new SplittableRandom(i);
        if (!clustered) {
            return randomUnit(r);
        }
        float[] v = randomUnit(new SplittableRandom(-1L - (i % CENTROIDS)));
        for (int d = 0; d < DIM; d++) {
            v[d] += (float) (r.nextGaussian() * SPREAD);
        }
        return Embedder.normalise(v);
    }

    /** A random unit vector. */
    static float[] randomUnit(SplittableRandom r) {
        float[] v = new float[DIM];
        for (int i = 0; i < DIM; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return Embedder.normalise(v);
    }

    /** A query near {@code v}: 8 random coordinates moved by N(0, 0.05), normalised (a cosine of about 0.99). */
    static float[] query(float[] v, SplittableRandom random) {
        float[] q = v.clone();
        for (int d = 0; d < 8; d++) {
            q[random.nextInt(DIM)] += (float) (random.nextGaussian() * 0.05);
        }
        return Embedder.normalise(q);
    }
}
