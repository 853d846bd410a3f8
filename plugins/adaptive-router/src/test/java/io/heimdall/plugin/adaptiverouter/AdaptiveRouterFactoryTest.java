package io.heimdall.plugin.adaptiverouter;

import io.heimdall.api.endpoint.Endpoint;
import io.heimdall.api.plugin.ConfigOption;
import io.heimdall.api.plugin.Plugin;
import io.heimdall.api.plugin.PluginConfig;
import io.heimdall.core.StandaloneContext;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The factory: its id, its config keys, their defaults and validation, and the roles it takes. */
class AdaptiveRouterFactoryTest {
    private static final AdaptiveRouterFactory FACTORY = new AdaptiveRouterFactory();

    private static PluginConfig config(Map<String, Object> values) {
        return StandaloneContext.config("plugins[0].config", values, FACTORY.configSpec());
    }

    private static Plugin create(Map<String, Object> values) {
        return FACTORY.create(config(values), StandaloneContext.create(AdaptiveRouterFactory.ID));
    }

    @Test
    void declaresItsKeysWithDefaults() {
        assertEquals("adaptive-router", FACTORY.id());
        assertEquals(List.of("half-life", "latency-signal", "error-penalty", "explore", "min-samples"),
                FACTORY.configSpec().options().stream().map(ConfigOption::key).toList());
        assertEquals(List.of("30s", "ttfb", "4", "0.05", "5"),
                FACTORY.configSpec().options().stream().map(o -> o.defaultValue().orElseThrow()).toList());
        assertEquals(RouterSettings.DEFAULTS, RouterSettings.from(config(Map.of())));
    }

    @Test
    void takesTheRouterRoleAndServesTheStatsRoute() {
        try (Plugin plugin = create(Map.of())) {
            AdaptiveRouter router = assertInstanceOf(AdaptiveRouter.class, plugin.router().orElseThrow());
            assertEquals(RouterSettings.DEFAULTS, router.settings());
            assertTrue(plugin.hook().isEmpty() && plugin.observer().isEmpty() && plugin.cache().isEmpty());
            List<Endpoint> endpoints = plugin.endpoints();
            assertEquals(List.of("GET /v1/router/stats"), endpoints.stream().map(Endpoint::describe).toList());
        }
    }

    @Test
    void readsEveryKey() {
        RouterSettings s = RouterSettings.from(config(Map.of("half-life", "2m", "latency-signal", "TTFT",
                "error-penalty", 10, "explore", 0, "min-samples", 20)));
        assertEquals(new RouterSettings(Duration.ofMinutes(2), LatencySignal.TTFT, 10, 0, 20), s);
        assertEquals(LatencySignal.TOTAL,
                RouterSettings.from(config(Map.of("latency-signal", "total"))).latencySignal());
    }

    @Test
    void rejectsValuesOutOfRangeNamingEachKey() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> create(Map.of(
                "half-life", "0s", "latency-signal", "p99", "error-penalty", -1, "explore", 1.5, "min-samples", 0)));
        assertEquals("half-life must be between 1ms and 1d, not PT0S; latency-signal must be one of ttft, ttfb, "
                + "total, not 'p99'; error-penalty must be between 0 and 1000000, not -1.0; explore must be between 0 "
                + "and 1 (a share of requests), not 1.5; min-samples must be at least 1, not 0", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> create(Map.of("explore", -0.01)));
        assertThrows(IllegalArgumentException.class, () -> create(Map.of("half-life", "400d")));
    }

    @Test
    void unknownKeysAndWrongTypesAreRejectedByTheSpec() {
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> config(Map.of("halflife", "30s")));
        assertTrue(unknown.getMessage().contains("halflife"), unknown.getMessage());
        IllegalArgumentException type = assertThrows(IllegalArgumentException.class,
                () -> config(Map.of("explore", "a lot")));
        assertTrue(type.getMessage().contains("explore"), type.getMessage());
    }
}
