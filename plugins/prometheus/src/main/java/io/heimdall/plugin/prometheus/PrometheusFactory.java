package io.heimdall.plugin.prometheus;

import io.heimdall.api.plugin.ConfigSpec;
import io.heimdall.api.plugin.ConfigType;
import io.heimdall.api.plugin.Plugin;
import io.heimdall.api.plugin.PluginConfig;
import io.heimdall.api.plugin.PluginContext;
import io.heimdall.api.plugin.PluginFactory;

/**
 * Creates the {@code prometheus} plugin: {@code GET /metrics} in the Prometheus text format, or OpenMetrics when the
 * scraper asks for it, on the gateway's port (a public route by default) or on a {@code port} of its own. See
 * {@code docs/observability.md}.
 *
 * <pre>{@code
 * plugins:
 *   - { id: prometheus }                                  # /metrics on the gateway's port
 *   - { id: prometheus, config: { port: 9464 } }          # its own port, all interfaces
 * }</pre>
 */
public final class PrometheusFactory implements PluginFactory {
    /** The plugin id used in config. */
    public static final String ID = "prometheus";

    /** Creates the factory; ServiceLoader calls this. */
    public PrometheusFactory() {
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "Serves GET /metrics (Prometheus text format and OpenMetrics) with the gateway's and the JVM's metrics";
    }

    @Override
    public ConfigSpec configSpec() {
        return ConfigSpec.builder()
                .optional("path", ConfigType.STRING, "/metrics", "the path the metrics are served on")
                .optional("port", ConfigType.INTEGER,
                        "serve on this port of its own instead of the gateway's (0 picks a free one)")
                .min(0).max(65535)
                .optional("host", ConfigType.STRING, "0.0.0.0", "the address the own port binds to")
                .optional("access", ConfigType.STRING, "public",
                        "on the gateway's port: public (no authentication) or caller (the configured authenticators)")
                .oneOf("public", "caller")
                .optional("jvm-metrics", true, "also expose JVM metrics (heap, GC, threads, classes, CPU)")
                .build();
    }

    @Override
    public Plugin create(PluginConfig config, PluginContext context) {
        return PrometheusPlugin.start(PrometheusSettings.from(config), context);
    }
}
