/**
 * The OpenTelemetry plugin: one span per client request and one child span per upstream attempt, with the GenAI
 * semantic-convention attributes, W3C trace context in and out, exported over OTLP/HTTP protobuf by the SDK's
 * batching processor: HTTP/1.1 on a kept-alive socket for an http collector ({@code Http11Sender}), the SDK's JDK
 * HTTP client sender for https. Exports nothing: the core finds the factory through {@code provides}. The JDK sender
 * (an automatic module) needs {@code java.net.http}, which {@code bin/heimdall} adds to the boot layer.
 */
module io.heimdall.plugin.opentelemetry {
    requires io.heimdall.api;
    requires io.opentelemetry.api;
    requires io.opentelemetry.context;
    requires io.opentelemetry.sdk;
    requires io.opentelemetry.sdk.common;
    requires io.opentelemetry.common;
    requires io.opentelemetry.sdk.trace;
    requires io.opentelemetry.exporter.otlp;
    requires io.opentelemetry.exporter.sender.jdk.internal;
    requires com.fasterxml.jackson.databind;

    provides io.heimdall.api.plugin.PluginFactory with io.heimdall.plugin.opentelemetry.OpenTelemetryFactory;
}
