package io.heimdall.provider.mock;

import java.util.Locale;

/**
 * Deterministic embeddings: each lower-cased word (a run of letters and digits) contributes a pseudo-random vector
 * seeded by its hash, and the whole text a smaller one seeded by its own hash; the sum is scaled to unit length. Equal
 * texts give equal vectors, texts sharing words give similar vectors, and no two different texts are likely to collide.
 */
final class Vectors {
    /** Weight of the whole-text vector against one word's. */
    static final float TEXT_WEIGHT = 0.5f;

    private Vectors() {
    }

    /** The unit vector of a text. */
    static float[] embed(String text, int dimensions) {
        float[] v = new float[dimensions];
        add(v, fnv1a(text), TEXT_WEIGHT);
        String lower = text.toLowerCase(Locale.ROOT);
        int len = lower.length();
        int i = 0;
        while (i < len) {
            while (i < len && !Character.isLetterOrDigit(lower.charAt(i))) {
                i++;
            }
            int start = i;
            while (i < len && Character.isLetterOrDigit(lower.charAt(i))) {
                i++;
            }
            if (i > start) {
                add(v, fnv1a(lower, start, i), 1f);
            }
        }
        double norm = 0;
        for (float x : v) {
            norm += (double) x * x;
        }
        if (norm == 0) {
            v[0] = 1f;
            return v;
        }
        float scale = (float) (1 / Math.sqrt(norm));
        for (int j = 0; j < dimensions; j++) {
            v[j] *= scale;
        }
        return v;
    }

    /** Adds {@code weight} times the pseudo-random vector of a seed, components uniform in [-1, 1). */
    private static void add(float[] v, long seed, float weight) {
        long state = seed;
        for (int j = 0; j < v.length; j++) {
            state += 0x9E3779B97F4A7C15L;
            long z = state;
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            z ^= z >>> 31;
            v[j] += weight * (float) ((z >>> 11) * 0x1.0p-52 - 1.0);
        }
    }

    /** 64-bit FNV-1a of a string's chars. */
    static long fnv1a(String s) {
        return fnv1a(s, 0, s.length());
    }

    private static long fnv1a(String s, int from, int to) {
        long h = 0xcbf29ce484222325L;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            h ^= c & 0xff;
            h *= 0x100000001b3L;
            h ^= c >>> 8;
            h *= 0x100000001b3L;
        }
        return h;
    }
}
