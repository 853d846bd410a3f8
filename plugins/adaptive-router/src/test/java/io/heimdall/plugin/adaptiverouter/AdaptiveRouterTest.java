package io.heimdall.plugin.adaptiverouter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.heimdall.api.metrics.MetricFamily;
import io.heimdall.api.metrics.MetricSample;
import io.heimdall.api.model.GatewayError;
import io.heimdall.api.plugin.Metrics;
import io.heimdall.api.route.Attempt;
import io.heimdall.api.route.Fault;
import io.heimdall.api.route.Target;
import io.heimdall.core.StandaloneContext;
import io.heimdall.testkit.TestRequestContext;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Scoring, planning and learning, with a controlled clock and a seeded random source. */
class AdaptiveRouterTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Target A = new Target("a", "x", "a#0", 1, 0);
    private static final Target B = new Target("b", "x", "b#0", 1, 0);

    private final AtomicLong clock = new AtomicLong(1_000_000_000L);
    private final Metrics metrics = StandaloneContext.create("adaptive-router").metrics();

    private AdaptiveRouter router(RouterSettings settings, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        return new AdaptiveRouter(settings, clock::get, () -> random, metrics);
    }

    private static RouterSettings settings(double penalty, double explore, int minSamples) {
        return new RouterSettings(Duration.ofSeconds(30), LatencySignal.TTFB, penalty, explore, minSamples);
    }

    static Attempt success(Target t, long ttfbMillis) {
        return new Attempt(t, 1, 0, 200, Optional.empty(), Fault.NONE, Optional.empty(),
                Duration.ofMillis(ttfbMillis * 3), Optional.of(Duration.ofMillis(ttfbMillis)), Optional.empty(),
                Optional.empty());
    }

    static Attempt failure(Target t, Fault fault, int status) {
        return new Attempt(t, 1, 0, status, Optional.of(GatewayError.of(status, GatewayError.API_ERROR, "failed",
                "x")), fault, Optional.empty(), Duration.ofMillis(5), Optional.empty(), Optional.empty(),
                Optional.empty());
    }

    private static void successes(AdaptiveRouter r, Target t, int n, long ttfbMillis) {
        for (int i = 0; i < n; i++) {
            r.record(success(t, ttfbMillis));
        }
    }

    private static void failures(AdaptiveRouter r, Target t, int n) {
        for (int i = 0; i < n; i++) {
            r.record(failure(t, Fault.PROVIDER, 500));
        }
    }

    private static TargetStats stats(AdaptiveRouter r, Target t) {
        return r.targets().stream().filter(s -> s.provider().equals(t.provider()) && s.model().equals(t.model())
                && s.key().equals(t.keyName())).findFirst().orElseThrow();
    }

    @Test
    void learnsOnlyFromAttemptsThatCountAgainstTheTarget() {
        AdaptiveRouter r = router(RouterSettings.DEFAULTS, 1);
        r.record(failure(A, Fault.CLIENT_ABORT, 499));
        r.record(failure(A, Fault.HOOK, 400));
        r.record(failure(A, Fault.BAD_REQUEST, 400));
        r.record(failure(A, Fault.GATEWAY, 503));
        assertTrue(r.targets().isEmpty(), "nothing learnt: " + r.targets());
        r.record(failure(A, Fault.PROVIDER, 500));
        r.record(failure(A, Fault.TIMEOUT, 504));
        r.record(success(A, 40));
        TargetStats.State s = stats(r, A).state();
        assertEquals(3, s.samples());
        assertEquals(2.0 / 3, s.errorRate().getAsDouble(), 1e-12);
        assertEquals(0.040, s.latency().getAsDouble(), 1e-12, "ttfb of the one success only");
    }

    @Test
    void theLatencySignalPicksTheDuration() {
        Attempt stream = new Attempt(A, 1, 0, 200, Optional.empty(), Fault.NONE, Optional.empty(),
                Duration.ofMillis(900), Optional.of(Duration.ofMillis(100)), Optional.of(Duration.ofMillis(300)),
                Optional.empty());
        assertEquals(Duration.ofMillis(300), LatencySignal.TTFT.of(stream));
        assertEquals(Duration.ofMillis(100), LatencySignal.TTFB.of(stream));
        assertEquals(Duration.ofMillis(900), LatencySignal.TOTAL.of(stream));
        Attempt plain = new Attempt(A, 1, 0, 200, Optional.empty(), Fault.NONE, Optional.empty(),
                Duration.ofMillis(900), Optional.of(Duration.ofMillis(100)), Optional.empty(), Optional.empty());
        assertEquals(Duration.ofMillis(100), LatencySignal.TTFT.of(plain), "no token: time to first byte");
        Attempt bare = new Attempt(A, 1, 0, 200, Optional.empty(), Fault.NONE, Optional.empty(),
                Duration.ofMillis(900), Optional.empty(), Optional.empty(), Optional.empty());
        assertEquals(Duration.ofMillis(900), LatencySignal.TTFT.of(bare), "neither: the whole attempt");
        assertEquals(Duration.ofMillis(900), LatencySignal.TTFB.of(bare));

        AdaptiveRouter total = router(new RouterSettings(Duration.ofSeconds(30), LatencySignal.TOTAL, 4, 0, 1), 1);
        total.record(stream);
        assertEquals(0.9, stats(total, A).state().latency().getAsDouble(), 1e-12);
    }

    @Test
    void scoreIsWeightOverLatencyTimesOnePlusPenaltyTimesErrorRate() {
        AdaptiveRouter r = router(settings(4, 0, 5), 1);
        Target b2 = new Target("b", "x", "b#0", 2, 0);
        Target fresh = new Target("c", "x", "", 1, 0);
        Target failing = new Target("f", "x", "f#0", 1, 0);
        Target young = new Target("y", "x", "y#0", 1, 0);
        Target off = new Target("z", "x", "z#0", 0, 0);
        Target fallback = new Target("e", "x", "e#0", 1, 1);
        successes(r, A, 5, 100);            // 1 / 0.1 s = 10
        successes(r, b2, 5, 100);           // error rate 0.5: 2 / (0.1 × (1 + 4 × 0.5)) = 6.667
        failures(r, b2, 5);
        failures(r, failing, 5);            // no success: the group's median latency, 0.1 s: 1 / (0.1 × 5) = 2
        successes(r, young, 4, 1);          // fewer than min-samples: treated as new
        successes(r, fallback, 5, 50);      // its own group: 1 / 0.05 = 20
        List<Target> candidates = List.of(A, b2, fresh, failing, young, off, fallback);
        double[] scores = r.scores(candidates);
        double medianQuality = 1 / (0.1 * 3); // of 10, 3.333 (b2 per unit of weight) and 2
        assertEquals(10, scores[0], 1e-9);
        assertEquals(2 / (0.1 * 3), scores[1], 1e-9);
        assertEquals(medianQuality, scores[2], 1e-9, "no data: the group's median");
        assertEquals(2, scores[3], 1e-9);
        assertEquals(medianQuality, scores[4], 1e-9, "below min-samples: the group's median");
        assertEquals(0, scores[5]);
        assertEquals(20, scores[6], 1e-9, "another priority group is scored on its own");

        assertEquals(10, stats(r, A).score(), 1e-9);
        assertEquals(2, stats(r, b2).weight());
        Map<Map<String, String>, Double> gauges = gauges();
        assertEquals(10, gauges.get(Map.of("provider", "a", "model", "x", "key", "a#0")), 1e-9);
        assertEquals(20, gauges.get(Map.of("provider", "e", "model", "x", "key", "e#0")), 1e-9);
        assertEquals(medianQuality, gauges.get(Map.of("provider", "c", "model", "x", "key", "")), 1e-9);
    }

    @Test
    void withoutDataTheScoresAreTheWeights() {
        AdaptiveRouter r = router(settings(4, 0, 5), 1);
        double[] scores = r.scores(List.of(new Target("a", "x", "", 3, 0), new Target("b", "x", "", 1, 0)));
        assertEquals(3, scores[0]);
        assertEquals(1, scores[1]);
    }

    @Test
    void priorityGroupsStayInOrderAndWeightZeroComesLastInItsGroup() {
        AdaptiveRouter r = router(settings(4, 0.05, 5), 7);
        Target g0a = new Target("a", "x", "", 1, 0);
        Target g0b = new Target("b", "x", "", 5, 0);
        Target g0off = new Target("c", "x", "", 0, 0);
        Target g1a = new Target("d", "x", "", 1, 1);
        Target g1b = new Target("e", "x", "", 1, 1);
        successes(r, g1a, 10, 1);           // much faster than anything in group 0: still planned after it
        successes(r, g0a, 10, 500);
        int g0bFirst = 0;
        for (int i = 0; i < 500; i++) {
            List<Target> plan = r.plan("smart", List.of(g1b, g0off, g1a, g0a, g0b), new TestRequestContext());
            assertEquals(5, plan.size(), "nothing dropped");
            assertEquals(List.of(0, 0, 0, 1, 1), plan.stream().map(Target::priority).toList());
            assertEquals(g0off, plan.get(2), "weight 0 last in its group");
            g0bFirst += plan.getFirst() == g0b ? 1 : 0;
        }
        assertTrue(g0bFirst > 350, "the new, heavier target leads its group mostly: " + g0bFirst);
    }

    /** How often each target comes first in {@code n} plans. */
    private static Map<Target, Integer> firsts(AdaptiveRouter r, List<Target> candidates, int n) {
        Map<Target, Integer> counts = new HashMap<>();
        for (int i = 0; i < n; i++) {
            counts.merge(r.plan("smart", candidates, new TestRequestContext()).getFirst(), 1, Integer::sum);
        }
        return counts;
    }

    @Test
    void fasterTargetsLeadInProportionToTheirScore() {
        AdaptiveRouter r = router(settings(4, 0, 5), 11);
        successes(r, A, 10, 10);
        successes(r, B, 10, 100);
        double share = firsts(r, List.of(A, B), 10_000).getOrDefault(A, 0) / 10_000.0;
        assertEquals(10.0 / 11, share, 0.02, "score 100 against 10: weighted random, not winner-take-all");
    }

    @Test
    void explorationOrdersAShareOfRequestsByPlainWeights() {
        AdaptiveRouter all = router(settings(4, 1, 5), 12);
        successes(all, A, 10, 10);
        successes(all, B, 10, 100);
        assertEquals(0.5, firsts(all, List.of(A, B), 10_000).getOrDefault(A, 0) / 10_000.0, 0.02);
        AdaptiveRouter some = router(settings(4, 0.2, 5), 13);
        successes(some, A, 10, 10);
        successes(some, B, 10, 100);
        assertEquals(0.8 * 10 / 11 + 0.2 * 0.5, firsts(some, List.of(A, B), 10_000).getOrDefault(A, 0) / 10_000.0,
                0.02);
    }

    @Test
    void failingTargetsLeadLessOften() {
        AdaptiveRouter r = router(settings(4, 0, 5), 21);
        successes(r, A, 10, 50);
        successes(r, B, 10, 50);
        failures(r, B, 10);                 // error rate 0.5: score / 3
        assertEquals(0.25, firsts(r, List.of(A, B), 10_000).getOrDefault(B, 0) / 10_000.0, 0.02);
        AdaptiveRouter lenient = router(settings(0, 0, 5), 22);
        successes(lenient, A, 10, 50);
        successes(lenient, B, 10, 50);
        failures(lenient, B, 10);
        assertEquals(0.5, firsts(lenient, List.of(A, B), 10_000).getOrDefault(B, 0) / 10_000.0, 0.02,
                "error-penalty 0 ignores errors");
    }

    @Test
    void errorsFadeWithTime() {
        AdaptiveRouter r = router(settings(4, 0, 5), 31);
        successes(r, A, 10, 50);
        failures(r, B, 10);
        successes(r, B, 1, 50);
        double before = r.scores(List.of(A, B))[1];
        clock.addAndGet(Duration.ofMinutes(5).toNanos()); // ten half-lives
        successes(r, B, 1, 50);
        double after = r.scores(List.of(A, B))[1];
        assertTrue(before < 5 && after > 19, "score of B before " + before + ", after " + after);
    }

    @Test
    void aNewTargetGetsTheMedianScoreAndIsTried() {
        AdaptiveRouter r = router(settings(4, 0, 5), 41);
        Target c = new Target("c", "x", "", 1, 0);
        successes(r, A, 10, 100);            // 10
        successes(r, B, 10, 200);            // 5
        double share = firsts(r, List.of(A, B, c), 10_000).getOrDefault(c, 0) / 10_000.0;
        assertEquals(7.5 / 22.5, share, 0.02);
    }

    @Test
    void statsListEveryTargetWithoutSecrets() throws Exception {
        AdaptiveRouter r = router(settings(4, 0, 2), 51);
        Target odd = new Target("we\"ird", "m\\1", "k\n1", 1, 0);
        successes(r, A, 3, 20);
        failures(r, A, 1);
        r.record(failure(odd, Fault.TIMEOUT, 504));
        r.scores(List.of(A, odd));
        JsonNode body = JSON.readTree(StatsJson.render(r.settings(), r.targets()));
        assertEquals(30_000, body.get("half_life_ms").asLong());
        assertEquals("ttfb", body.get("latency_signal").asText());
        assertEquals(2, body.get("min_samples").asInt());
        JsonNode a = body.at("/targets/0");
        assertEquals("a", a.get("provider").asText());
        assertEquals("x", a.get("model").asText());
        assertEquals("a#0", a.get("key").asText());
        assertEquals(20.0, a.get("latency_ms").asDouble(), 1e-9);
        assertEquals(0.25, a.get("error_rate").asDouble(), 1e-9);
        assertEquals(4, a.get("samples").asLong());
        assertEquals(1 / (0.02 * 2), a.get("score").asDouble(), 1e-9);
        JsonNode o = body.at("/targets/1");
        assertEquals("we\"ird", o.get("provider").asText());
        assertEquals("m\\1", o.get("model").asText());
        assertEquals("k\n1", o.get("key").asText());
        assertTrue(o.get("latency_ms").isNull(), "no success yet");
        assertEquals(1.0, o.get("error_rate").asDouble());
        assertEquals(1 / (0.02 * 2), o.get("score").asDouble(), 1e-9, "below min-samples: the median");
    }

    private Map<Map<String, String>, Double> gauges() {
        Map<Map<String, String>, Double> out = new HashMap<>();
        for (MetricFamily f : metrics.snapshot()) {
            if (f.name().equals("heimdall_" + AdaptiveRouter.SCORE_METRIC)) {
                for (MetricSample s : f.samples()) {
                    out.put(s.labels(), s.value());
                }
            }
        }
        return out;
    }
}
