package io.heimdall.plugin.opentelemetry;

import io.heimdall.api.plugin.ConfigSpec;
import io.heimdall.api.plugin.ConfigType;
import io.heimdall.api.plugin.Plugin;
import io.heimdall.api.plugin.PluginConfig;
import io.heimdall.api.plugin.PluginContext;
import io.heimdall.api.plugin.PluginFactory;

import java.time.Duration;

/**
 * Creates the {@code opentelemetry} plugin: traces of every request and upstream attempt with the GenAI semantic
 * conventions, sent to an OTLP/HTTP collector. See {@code docs/observability.md}.
 *
 * <pre>{@code
 * plugins:
 *   - id: opentelemetry
 *     config:
 *       endpoint: http://otel-collector:4318          # spans go to <endpoint>/v1/traces
 *       headers: { authorization: "${env:OTLP_AUTH}" }
 *       sampling-ratio: 0.1
 *       resource-attributes: { deployment.environment: prod }
 * }</pre>
 */
public final class OpenTelemetryFactory implements PluginFactory {
    /** The plugin id used in config. */
    public static final String ID = "opentelemetry";

    /** Creates the factory; ServiceLoader calls this. */
    public OpenTelemetryFactory() {
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "Traces requests and upstream attempts (GenAI semantic conventions) to an OTLP/HTTP collector";
    }

    @Override
    public ConfigSpec configSpec() {
        return ConfigSpec.builder()
                .optional("endpoint", ConfigType.STRING, "http://127.0.0.1:4318",
                        "the OTLP/HTTP base URL; spans are posted to <endpoint>/v1/traces")
                .stringMap("headers", "headers sent with every export (${env:...} references are resolved)")
                .optional("sampling-ratio", 1.0, "share of new traces recorded, in [0, 1]; an incoming traceparent's "
                        + "sampled flag is followed").min(0).max(1)
                .optional("service-name", ConfigType.STRING, "heimdall", "the resource's service.name")
                .stringMap("resource-attributes", "further resource attributes (deployment.environment, ...)")
                .optional("capture-content", false, "record prompt and completion texts as span attributes "
                        + "(gen_ai.input.messages, gen_ai.output.messages); they may hold personal data")
                .optional("schedule-delay", Duration.ofSeconds(1), "how long spans wait in the batch before export")
                .optional("max-queue-size", 2048L, "spans waiting for export; beyond, new spans are dropped")
                .min(1).max(1_000_000)
                .optional("export-timeout", Duration.ofSeconds(10), "how long one export may take")
                .build();
    }

    @Override
    public Plugin create(PluginConfig config, PluginContext context) {
        return new OpenTelemetryPlugin(TracingSettings.from(config, context), context);
    }
}
