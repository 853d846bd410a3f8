package io.heimdall.api.plugin;

import io.heimdall.api.admin.GatewayAdmin;
import io.heimdall.api.http.UpstreamClient;
import io.heimdall.api.wire.OpenAiWire;

import java.time.Clock;
import java.util.Optional;

/** What a plugin instance may use of the gateway. One per config entry; valid until the instance is closed. */
public interface PluginContext {
    /** The config entry's name: the provider name under {@code providers:}, or the plugin id. */
    String name();

    /** Resolves {@code ${env:NAME}} references and plain values into secrets. */
    Secret resolveSecret(String reference);

    /**
     * A pooled HTTP/1.1 client for one upstream base URL, owned by this instance (it survives config reloads with it
     * and is closed with it). It applies the request's and the attempt's upstream headers, forwards the client's
     * {@code x-request-id}, aborts the call when the client goes away or the deadline passes, and reports the time to
     * first byte of each attempt.
     */
    UpstreamClient http(String baseUrl);

    /** The OpenAI wire codec for the canonical model. */
    OpenAiWire openAiWire();

    /** The clock to use for timestamps and TTLs (tests may fix it). */
    Clock clock();

    /** The gateway's metrics registry: record here, or read every metric for exposition. */
    Metrics metrics();

    /** A logger named after the plugin. */
    System.Logger logger();

    /** The gateway calling itself without hooks or cache (child requests), with the config in force at each call. */
    GatewayClient gateway();

    /** The whole pipeline with hooks and cache, for routes that serve another API surface. */
    Pipeline pipeline();

    /**
     * Administration of the running gateway (its config, plugin types and target health), for admin plugins; empty
     * where there is none (a standalone context). Serve what uses it on {@link io.heimdall.api.endpoint.Access#ADMIN}
     * routes.
     */
    default Optional<GatewayAdmin> admin() {
        return Optional.empty();
    }
}
