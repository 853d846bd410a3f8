package io.heimdall.api.plugin;

import io.heimdall.api.http.UpstreamClient;
import io.heimdall.api.wire.OpenAiWire;

import java.time.Clock;

/** What a plugin instance may use of the gateway. One per config entry; valid until the instance is closed. */
public interface PluginContext {
    /** The config entry's name: the provider name under {@code providers:}, or the plugin id. */
    String name();

    /** Resolves {@code ${env:NAME}} references and plain values into secrets. */
    Secret resolveSecret(String reference);

    /**
     * A pooled HTTP/1.1 client for one upstream base URL; clients are shared per base URL and closed with the config
     * generation that opened them.
     */
    UpstreamClient http(String baseUrl);

    /** The OpenAI wire codec for the canonical model. */
    OpenAiWire openAiWire();

    /** The clock to use for timestamps and TTLs (tests may fix it). */
    Clock clock();

    /** Where to record metrics. */
    Metrics metrics();

    /** A logger named after the plugin. */
    System.Logger logger();

    /** The gateway calling itself, with the config in force at the time of each call. */
    GatewayClient gateway();
}
