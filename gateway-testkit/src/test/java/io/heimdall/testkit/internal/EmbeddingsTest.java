package io.heimdall.testkit.internal;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EmbeddingsTest {
    private static double cosine(float[] a, float[] b) {
        double dot = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
        }
        return dot;
    }

    @Test
    void deterministicUnitVectors() {
        float[] a = Embeddings.of("The quick brown fox", 256);

        assertArrayEquals(a, Embeddings.of("The quick brown fox", 256));
        assertEquals(1.0, cosine(a, a), 1e-5);
        assertEquals(1.0, cosine(Embeddings.of("", 16), Embeddings.of("", 16)), 1e-5);
    }

    @Test
    void sharedWordsAreSimilarOthersAreNot() {
        float[] a = Embeddings.of("How do I reset my password?", 1536);
        float[] paraphrase = Embeddings.of("how do i reset my password", 1536);
        float[] partial = Embeddings.of("reset my password please", 1536);
        float[] unrelated = Embeddings.of("Bananas grow in tropical climates", 1536);

        assertTrue(cosine(a, paraphrase) > 0.9, "same words: " + cosine(a, paraphrase));
        assertTrue(cosine(a, paraphrase) < 0.9999, "different texts still differ");
        assertTrue(cosine(a, partial) > 0.4, "shared words: " + cosine(a, partial));
        assertTrue(Math.abs(cosine(a, unrelated)) < 0.2, "unrelated: " + cosine(a, unrelated));
    }
}
