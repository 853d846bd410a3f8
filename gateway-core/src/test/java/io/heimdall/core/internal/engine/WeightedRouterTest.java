package io.heimdall.core.internal.engine;

import io.heimdall.api.route.Target;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WeightedRouterTest {
    private final WeightedRouter router = new WeightedRouter();

    private static Target t(String key, double weight, int priority) {
        return new Target("p", "m", key, weight, priority);
    }

    @Test
    void firstChoiceFollowsTheWeights() {
        List<Target> candidates = List.of(t("a", 3, 0), t("b", 1, 0));
        Map<String, Integer> first = new HashMap<>();
        int n = 20_000;
        for (int i = 0; i < n; i++) {
            first.merge(router.plan("m", candidates, null).getFirst().keyName(), 1, Integer::sum);
        }
        double shareA = first.get("a") / (double) n;
        assertTrue(Math.abs(shareA - 0.75) < 0.02, "share of a: " + shareA);
    }

    @Test
    void lowerPriorityGroupsComeFirstAndZeroWeightTargetsLast() {
        List<Target> candidates = List.of(t("fallback", 100, 1), t("zero", 0, 0), t("main", 1, 0));
        for (int i = 0; i < 200; i++) {
            List<String> order = router.plan("m", candidates, null).stream().map(Target::keyName).toList();
            assertEquals(List.of("main", "zero", "fallback"), order);
        }
    }
}
