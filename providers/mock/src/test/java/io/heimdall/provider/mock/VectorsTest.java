package io.heimdall.provider.mock;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VectorsTest {
    static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (double) a[i] * b[i];
        }
        return s;
    }

    @Test
    void unitLengthAndDeterministic() {
        for (int dims : new int[] {1, 2, 64, 1536}) {
            for (String text : new String[] {"", "hello", "The quick brown fox", "!!!"}) {
                float[] v = Vectors.embed(text, dims);
                assertEquals(dims, v.length);
                assertEquals(1.0, dot(v, v), 1e-5, text + " @" + dims);
                assertArrayEquals(v, Vectors.embed(text, dims));
            }
        }
    }

    @Test
    void sharedWordsAreCloserThanUnrelatedTexts() {
        float[] a = Vectors.embed("What is the capital of France?", 256);
        float[] b = Vectors.embed("what is the capital of france", 256);
        float[] c = Vectors.embed("Bananas grow on tall plants near rivers", 256);
        assertTrue(dot(a, b) > 0.8, "paraphrase " + dot(a, b));
        assertTrue(dot(a, b) < 0.9999, "different texts differ");
        assertTrue(Math.abs(dot(a, c)) < 0.4, "unrelated " + dot(a, c));
    }
}
