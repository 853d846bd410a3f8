package io.heimdall.testkit.internal;

/**
 * Deterministic embeddings: the normalised sum of one pseudo-random vector per lower-cased word, plus a smaller one for
 * the whole text. Equal texts get equal vectors, texts sharing words get similar ones, other texts near-orthogonal.
 */
public final class Embeddings {
    private static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;

    private Embeddings() {
    }

    /** The vector for a text. */
    public static float[] of(String text, int dimensions) {
        double[] acc = new double[dimensions];
        int words = 0;
        long h = FNV_OFFSET;
        boolean inWord = false;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            if (Character.isLetterOrDigit(cp)) {
                h = (h ^ Character.toLowerCase(cp)) * FNV_PRIME;
                inWord = true;
            } else if (inWord) {
                add(acc, h, 1.0);
                words++;
                h = FNV_OFFSET;
                inWord = false;
            }
        }
        if (inWord) {
            add(acc, h, 1.0);
            words++;
        }
        long whole = FNV_OFFSET ^ 0x9e3779b97f4a7c15L;
        for (int i = 0; i < text.length(); i++) {
            whole = (whole ^ text.charAt(i)) * FNV_PRIME;
        }
        add(acc, whole, words == 0 ? 1.0 : 0.25);
        double norm = 0;
        for (double v : acc) {
            norm += v * v;
        }
        norm = Math.sqrt(norm);
        float[] out = new float[dimensions];
        for (int i = 0; i < dimensions; i++) {
            out[i] = (float) (acc[i] / norm);
        }
        return out;
    }

    private static void add(double[] acc, long seed, double weight) {
        long state = seed;
        for (int i = 0; i < acc.length; i++) {
            state += 0x9e3779b97f4a7c15L;
            long z = state;
            z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
            z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
            z = z ^ (z >>> 31);
            acc[i] += weight * (((z >>> 11) * 0x1.0p-53) * 2.0 - 1.0);
        }
    }
}
