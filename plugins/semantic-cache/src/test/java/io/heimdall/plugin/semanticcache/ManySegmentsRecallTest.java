package io.heimdall.plugin.semanticcache;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Recall of the semantic tier on an index shaped like a busy cache: a few distinct prompts stored first, then a crowd
 * of near-identical ones (a templated request with a different id each time), refreshed after each burst of stores, so
 * the index is several segments of mixed sizes. Every query lies close to one distinct entry (cosine ≈ 0.9) and far from
 * the crowd; all of them must be found with 20 candidates (the default when this was found; 80 now) and the default
 * threshold, as a lookup asks. Lucene's default search alone lost a quarter of them on this shape; a miss is now
 * searched again ({@link EveryLeafKnnQuery}).
 */
class ManySegmentsRecallTest {
    private static final int DIM = 384;
    private static final int DISTINCT = 40;
    private static final int CROWD = 2_500;
    /** The distinct entries are stored among the first this many of the crowd. */
    private static final int FIRST_BURST = 1_500;

    @Test
    void aParaphraseFindsItsEntryBesideACrowdOfSimilarPrompts(@TempDir Path dir) {
        Random random = new Random(7);
        float[] crowdCentre = unit(gaussian(random, DIM));
        List<float[]> distinct = new ArrayList<>();
        long far = Long.MAX_VALUE / 2;
        int misses = 0;
        int segments;
        try (CacheIndex index = CacheIndex.open(dir)) {
            for (int i = 0; i < DISTINCT; i++) {
                distinct.add(unit(gaussian(random, DIM)));
            }
            for (int i = 0, d = 0; i < CROWD; i++) {
                if (d < DISTINCT && i % (FIRST_BURST / DISTINCT) == 0) {
                    index.add("distinct-" + d, "scope", "ns", Optional.of("p"), Optional.of(distinct.get(d)), 1, far,
                            new byte[] {1});
                    d++;
                }
                // about cosine 0.7 to each other, 0.85 to the centre
                float[] v = unit(add(crowdCentre, scale(unit(gaussian(random, DIM)), 0.6f)));
                index.add("crowd-" + i, "scope", "ns", Optional.of("p"), Optional.of(v), 1, far, new byte[] {1});
                if (i == FIRST_BURST - 1 || i >= FIRST_BURST && i % 250 == 249) {
                    index.refresh(); // a segment of its own, as a burst of stores between lookups makes
                }
            }
            index.refresh();
            segments = index.segments();
            for (int i = 0; i < DISTINCT; i++) {
                float[] asked = unit(add(distinct.get(i), scale(unit(gaussian(random, DIM)), 0.45f)));
                String want = "distinct-" + i;
                List<CacheIndex.Entry> found = index.nearest(asked, "scope", 20, 0, Settings.DEFAULT_THRESHOLD);
                if (found.stream().noneMatch(e -> e.id().equals(want))) {
                    misses++;
                }
            }
        }
        System.out.printf("%d segments: %d of %d distinct entries missed%n", segments, misses, DISTINCT);
        assertEquals(0, misses, "entries not found in " + segments + " segments");
    }

    private static float[] gaussian(Random random, int dim) {
        float[] v = new float[dim];
        for (int i = 0; i < dim; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return v;
    }

    private static float[] add(float[] a, float[] b) {
        float[] v = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            v[i] = a[i] + b[i];
        }
        return v;
    }

    private static float[] scale(float[] a, float s) {
        float[] v = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            v[i] = a[i] * s;
        }
        return v;
    }

    private static float[] unit(float[] a) {
        double n = 0;
        for (float x : a) {
            n += x * x;
        }
        float inv = (float) (1 / Math.sqrt(n));
        return scale(a, inv);
    }
}
