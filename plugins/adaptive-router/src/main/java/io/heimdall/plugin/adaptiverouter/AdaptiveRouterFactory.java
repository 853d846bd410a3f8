package io.heimdall.plugin.adaptiverouter;

import io.heimdall.api.metrics.MetricType;
import io.heimdall.api.plugin.ConfigSpec;
import io.heimdall.api.plugin.Plugin;
import io.heimdall.api.plugin.PluginConfig;
import io.heimdall.api.plugin.PluginContext;
import io.heimdall.api.plugin.PluginFactory;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Creates the {@code adaptive-router}: a router that learns each target's latency and error rate from every attempt
 * and, inside each priority group, orders targets at random in proportion to
 * {@code weight / (latency × (1 + error-penalty × error-rate))}. It also serves {@code GET /v1/router/stats} and
 * publishes the gauge {@code heimdall_router_target_score} (labels provider, model, key). See
 * {@code docs/adaptive-router.md}.
 *
 * <pre>{@code
 * plugins:
 *   - { id: adaptive-router, config: { half-life: 30s, latency-signal: ttfb, error-penalty: 4, explore: 0.05 } }
 * }</pre>
 */
public final class AdaptiveRouterFactory implements PluginFactory {
    /** The plugin id used in config. */
    public static final String ID = "adaptive-router";

    /** Creates the factory; ServiceLoader calls this. */
    public AdaptiveRouterFactory() {
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "Routes by measured latency and error rate: weighted random order by weight / (latency × (1 + "
                + "penalty × error rate)); serves GET /v1/router/stats";
    }

    @Override
    public ConfigSpec configSpec() {
        return RouterSettings.spec();
    }

    @Override
    public Plugin create(PluginConfig config, PluginContext context) {
        RouterSettings settings = RouterSettings.from(config);
        context.metrics().describe(AdaptiveRouter.SCORE_METRIC, MetricType.GAUGE,
                "The adaptive router's latest score of a target: weight / (latency in s × (1 + error-penalty × "
                        + "error rate))", "");
        return new AdaptiveRouter(settings, System::nanoTime, ThreadLocalRandom::current, context.metrics());
    }
}
