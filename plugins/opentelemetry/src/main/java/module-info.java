/**
 * The OpenTelemetry plugin: one span per client request and one child span per upstream attempt, with the GenAI
 * semantic-convention attributes, W3C trace context in and out, exported over OTLP/HTTP protobuf by the SDK's
 * batching processor and OTLP exporter (reusable marshalers) for {@code http} and {@code https} collectors alike.
 * The exporter sends through {@code ApacheHttpSenderProvider}, the SDK's sender SPI on Apache HttpClient 5 classic
 * (HTTP/1.1, a kept-alive pooled connection, TLS), which the gateway's boot layer already holds. Exports nothing:
 * the core finds the factory through {@code provides}.
 */
module io.heimdall.plugin.opentelemetry {
    requires io.heimdall.api;
    requires io.opentelemetry.api;
    requires io.opentelemetry.common;
    requires io.opentelemetry.context;
    requires io.opentelemetry.sdk;
    requires io.opentelemetry.sdk.common;
    requires io.opentelemetry.sdk.trace;
    requires io.opentelemetry.exporter.otlp;
    requires com.fasterxml.jackson.databind;
    requires org.apache.httpcomponents.client5.httpclient5;
    requires org.apache.httpcomponents.core5.httpcore5;

    provides io.heimdall.api.plugin.PluginFactory with io.heimdall.plugin.opentelemetry.OpenTelemetryFactory;
    provides io.opentelemetry.sdk.common.export.HttpSenderProvider
            with io.heimdall.plugin.opentelemetry.ApacheHttpSenderProvider;
}
