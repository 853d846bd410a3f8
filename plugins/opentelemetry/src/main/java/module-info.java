/**
 * The OpenTelemetry plugin: one span per client request and one child span per upstream attempt, with the GenAI
 * semantic-convention attributes, W3C trace context in and out, exported over OTLP/HTTP protobuf by the SDK's
 * batching processor: for an http collector the plugin's own protobuf encoder and HTTP/1.1 sender
 * ({@code DirectOtlpExporter}), for https the SDK's OTLP exporter with the JDK HTTP client sender (an automatic
 * module that needs {@code java.net.http}, which {@code bin/heimdall} adds to the boot layer). Exports nothing: the
 * core finds the factory through {@code provides}.
 */
module io.heimdall.plugin.opentelemetry {
    requires io.heimdall.api;
    requires io.opentelemetry.api;
    requires io.opentelemetry.context;
    requires io.opentelemetry.sdk;
    requires io.opentelemetry.sdk.common;
    requires io.opentelemetry.sdk.trace;
    requires io.opentelemetry.exporter.otlp;
    requires com.fasterxml.jackson.databind;

    provides io.heimdall.api.plugin.PluginFactory with io.heimdall.plugin.opentelemetry.OpenTelemetryFactory;
}
