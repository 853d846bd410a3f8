package io.heimdall.plugin.semanticcache;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The paraphrase / near-miss set ({@code pairs.tsv}, see docs/semantic-cache.md) against the semantic tier's decision
 * at the default settings: the bundled embedder's cosine similarity at or above {@link Settings#DEFAULT_THRESHOLD}
 * and the {@link NearMissGuard}. This is the very decision {@code SemanticCache.lookup} applies to each candidate the
 * HNSW search returns; candidate retrieval itself is covered by {@link SemanticCacheGatewayTest}. Prints the rates at
 * several thresholds, with and without the guard.
 */
class ParaphraseSetTest {
    /** One pair with its similarity and the guard's verdict. */
    private record Pair(boolean paraphrase, String cached, String asked, double cosine) {
        boolean hit(double threshold, boolean guard) {
            NearMissGuard g = NearMissGuard.INSTANCE;
            return guard ? NearMissGuard.accepts(g.features(asked), g.features(cached), cosine, threshold)
                    : cosine >= threshold;
        }
    }

    private static final List<Pair> PAIRS = new ArrayList<>();

    @BeforeAll
    static void embed() throws IOException {
        Embedder.Local embedder = new Embedder.Local();
        try (InputStream in = ParaphraseSetTest.class.getResourceAsStream("/pairs.tsv")) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.split("\t");
                float[] a = embedder.embed(f[1], null);
                float[] b = embedder.embed(f[2], null);
                double cos = 0;
                for (int i = 0; i < a.length; i++) {
                    cos += a[i] * b[i];
                }
                PAIRS.add(new Pair(f[0].equals("para"), f[1], f[2], cos));
            }
        }
    }

    private static double rate(boolean paraphrase, double threshold, boolean guard) {
        long total = PAIRS.stream().filter(p -> p.paraphrase() == paraphrase).count();
        long hits = PAIRS.stream().filter(p -> p.paraphrase() == paraphrase)
                .filter(p -> p.hit(threshold, guard)).count();
        return (double) hits / total;
    }

    @Test
    void defaultSettingsHitParaphrasesAndRejectNearMisses() {
        assertTrue(PAIRS.size() >= 200, "pairs: " + PAIRS.size());
        for (double t = 0.60; t <= 0.951; t += 0.05) {
            System.out.printf(Locale.ROOT, "threshold %.2f: paraphrase hits %.1f%% (no guard %.1f%%), near-miss hits "
                    + "%.1f%% (no guard %.1f%%)%n", t, 100 * rate(true, t, true), 100 * rate(true, t, false),
                    100 * rate(false, t, true), 100 * rate(false, t, false));
        }
        double t = Settings.DEFAULT_THRESHOLD;
        for (Pair p : PAIRS) {
            if (p.hit(t, true) != p.paraphrase()) {
                System.out.printf(Locale.ROOT, "%s cos=%.3f: %s | %s%n", p.paraphrase() ? "MISSED" : "FALSE HIT",
                        p.cosine(), p.cached(), p.asked());
                System.out.println("    " + NearMissGuard.INSTANCE.features(p.cached()) + "\n    "
                        + NearMissGuard.INSTANCE.features(p.asked()));
            }
            if (!p.paraphrase() && p.cosine() >= 0.8) {
                System.out.printf(Locale.ROOT, "near cos=%.3f guard=%s: %s | %s%n", p.cosine(), p.hit(0, true),
                        p.cached(), p.asked());
            }
        }
        double para = rate(true, t, true);
        double near = rate(false, t, true);
        System.out.printf(Locale.ROOT, "default threshold %.2f: paraphrase hits %.1f%%, near-miss hits %.1f%%%n",
                t, 100 * para, 100 * near);
        assertTrue(para >= 0.80, "paraphrase hit rate " + para);
        assertTrue(near <= 0.02, "near-miss hit rate " + near);
    }

    @Test
    void guardSeesNumbersEntitiesNegationsAndOpposites() {
        NearMissGuard g = NearMissGuard.INSTANCE;
        assertTrue(!g.agree("What is the capital of France?", "What is the capital of Germany?"));
        assertTrue(!g.agree("what is the capital of france", "what is the capital of germany"));
        assertTrue(!g.agree("What is 12 times 8?", "What is 12 times 9?"));
        assertTrue(!g.agree("Is it safe?", "Is it not safe?"));
        assertTrue(!g.agree("How do I increase it?", "How do I decrease it?"));
        assertTrue(!g.agree("Convert Celsius to Fahrenheit", "Convert Fahrenheit to Celsius"));
        assertTrue(g.agree("Give me five tips", "Give me 5 tips"));
        assertTrue(g.agree("What is France's capital?", "Which city is the capital of France?"));
        assertTrue(g.agree("Isn't it safe?", "Is it not safe?"));
        assertEquals(List.of("france"), g.features("Tell me about France.").entities());
    }
}
