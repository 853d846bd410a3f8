package io.heimdall.plugin.opentelemetry;

import io.opentelemetry.sdk.common.export.HttpSender;
import io.opentelemetry.sdk.common.export.HttpSenderConfig;
import io.opentelemetry.sdk.common.export.HttpSenderProvider;

/**
 * The SDK's OTLP/HTTP exporter's sender SPI implemented on Apache HttpClient 5 classic (in the gateway's boot layer):
 * the plugin hands it to the exporter through a component loader, so no other sender is ever chosen.
 */
public final class ApacheHttpSenderProvider implements HttpSenderProvider {
    /** For the exporter's component loader (and {@link java.util.ServiceLoader}). */
    public ApacheHttpSenderProvider() {
    }

    /** A sender for the exporter's endpoint, headers, timeouts, compression, TLS and retry policy. */
    @Override
    public HttpSender createSender(HttpSenderConfig config) {
        return new ApacheHttpSender(config);
    }
}
