/**
 * The OpenTelemetry plugin: one span per client request and one child span per upstream attempt, with the GenAI
 * semantic-convention attributes, W3C trace context in and out (the API's propagator, the SDK's sampler and resource),
 * each request's spans encoded in OTLP protobuf when it ends and posted in batches over OTLP/HTTP by one export
 * thread, through {@code ApacheHttpSender} (the SDK's public sender interface on Apache HttpClient 5 classic, which the
 * gateway's boot layer already holds: HTTP/1.1, a kept-alive pooled connection, TLS, the SDK's retry policy) to
 * {@code http} and {@code https} collectors alike. Exports nothing: the core finds the factory through
 * {@code provides}.
 */
module io.heimdall.plugin.opentelemetry {
    requires io.heimdall.api;
    requires io.opentelemetry.api;
    requires io.opentelemetry.context;
    requires io.opentelemetry.sdk;
    requires io.opentelemetry.sdk.common;
    requires io.opentelemetry.sdk.trace;
    requires com.fasterxml.jackson.databind;
    requires org.apache.httpcomponents.client5.httpclient5;
    requires org.apache.httpcomponents.core5.httpcore5;

    provides io.heimdall.api.plugin.PluginFactory with io.heimdall.plugin.opentelemetry.OpenTelemetryFactory;
}
