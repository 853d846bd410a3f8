package io.heimdall.plugin.opentelemetry;

import io.heimdall.api.plugin.PluginConfig;
import io.heimdall.api.plugin.PluginContext;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The plugin's settings.
 *
 * @param tracesUrl          {@code <endpoint>/v1/traces}
 * @param headers            export headers, secrets resolved
 * @param samplingRatio      share of new traces recorded
 * @param serviceName        the resource's {@code service.name}
 * @param resourceAttributes further resource attributes
 * @param captureContent     whether prompt and completion texts are recorded
 * @param scheduleDelay      the batch delay
 * @param maxQueueSize       the batch queue's capacity
 * @param exportTimeout      the timeout of one export
 */
record TracingSettings(String tracesUrl, Map<String, String> headers, double samplingRatio, String serviceName,
                       Map<String, String> resourceAttributes, boolean captureContent, Duration scheduleDelay,
                       int maxQueueSize, Duration exportTimeout) {
    static TracingSettings from(PluginConfig config, PluginContext context) {
        String endpoint = config.string("endpoint").orElse("http://127.0.0.1:4318");
        URI uri = URI.create(endpoint);
        if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
                || uri.getHost() == null) {
            throw new IllegalArgumentException("endpoint must be an http(s) URL such as http://127.0.0.1:4318, not '"
                    + endpoint + "'");
        }
        String base = endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint;
        Map<String, String> headers = new LinkedHashMap<>();
        config.stringMap("headers").forEach((k, v) -> headers.put(k, context.resolveSecret(v).reveal()));
        return new TracingSettings(base + "/v1/traces", Map.copyOf(headers),
                config.number("sampling-ratio").orElse(1.0), config.string("service-name").orElse("heimdall"),
                config.stringMap("resource-attributes"), config.bool("capture-content").orElse(false),
                config.duration("schedule-delay").orElse(Duration.ofSeconds(1)),
                config.integer("max-queue-size").orElse(2048L).intValue(),
                config.duration("export-timeout").orElse(Duration.ofSeconds(10)));
    }

    /** Without the header values, which may be credentials. */
    @Override
    public String toString() {
        return "TracingSettings[" + tracesUrl + ", headers=" + headers.keySet() + ", sampling=" + samplingRatio + "]";
    }
}
