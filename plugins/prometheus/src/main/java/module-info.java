/**
 * The Prometheus exposition plugin: serves the gateway's metrics registry (and JVM metrics) as {@code GET /metrics} in
 * the Prometheus text format or OpenMetrics, written by Prometheus client_java. Exports nothing: the core finds the
 * factory through {@code provides}.
 */
module io.heimdall.plugin.prometheus {
    requires io.heimdall.api;
    requires io.prometheus.metrics.model;
    requires io.prometheus.metrics.core;
    requires io.prometheus.writer.text;
    requires io.prometheus.metrics.instrumentation.jvm;
    requires io.prometheus.metrics.config;
    // Only for a separate `port:`; the gateway ships it in its boot layer (bin/heimdall), tests resolve it too.
    requires static jdk.httpserver;

    provides io.heimdall.api.plugin.PluginFactory with io.heimdall.plugin.prometheus.PrometheusFactory;
}
