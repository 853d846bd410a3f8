package io.heimdall.plugin.prometheus;

import io.heimdall.api.endpoint.Access;
import io.heimdall.api.plugin.PluginConfig;

import java.util.Optional;
import java.util.OptionalInt;

/**
 * The plugin's settings.
 *
 * @param path       the path served ({@code path})
 * @param port       a port of its own, if any ({@code port})
 * @param host       the address that port binds to ({@code host})
 * @param access     who may scrape on the gateway's port ({@code access})
 * @param jvmMetrics whether JVM metrics are exposed ({@code jvm-metrics})
 */
record PrometheusSettings(String path, OptionalInt port, String host, Access access, boolean jvmMetrics) {
    /** Reads the settings; the factory's spec already checked types and ranges. */
    static PrometheusSettings from(PluginConfig config) {
        String path = config.string("path").orElse("/metrics");
        if (!path.startsWith("/") || path.contains("*")) {
            throw new IllegalArgumentException("path must start with '/' and hold no '*': " + path);
        }
        Optional<Long> port = config.integer("port");
        return new PrometheusSettings(path, port.isPresent() ? OptionalInt.of(port.get().intValue())
                : OptionalInt.empty(), config.string("host").orElse("0.0.0.0"),
                "caller".equals(config.string("access").orElse("public")) ? Access.CALLER : Access.PUBLIC,
                config.bool("jvm-metrics").orElse(true));
    }
}
