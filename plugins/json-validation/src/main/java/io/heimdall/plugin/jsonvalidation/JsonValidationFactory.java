package io.heimdall.plugin.jsonvalidation;

import io.heimdall.api.plugin.ConfigSpec;
import io.heimdall.api.plugin.ConfigType;
import io.heimdall.api.plugin.Plugin;
import io.heimdall.api.plugin.PluginConfig;
import io.heimdall.api.plugin.PluginContext;
import io.heimdall.api.plugin.PluginFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Creates the {@code json-validation} hook.
 *
 * <pre>{@code
 * plugins:
 *   - id: json-validation
 *     config:
 *       on-failure: retry-next          # error | retry-same | retry-next
 *       fallback-models: [ openai/gpt-4o ]
 *       schemas:
 *         - { models: [ "extract-*" ], schema-file: /etc/heimdall/invoice.schema.json }
 * }</pre>
 */
public final class JsonValidationFactory implements PluginFactory {
    /** The plugin id used in config. */
    public static final String ID = "json-validation";

    /** Creates the factory; ServiceLoader calls this. */
    public JsonValidationFactory() {
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "Validates JSON model output against response_format or configured JSON schemas (draft 2020-12)";
    }

    @Override
    public ConfigSpec configSpec() {
        ConfigSpec rule = ConfigSpec.builder()
                .optional("models", List.of(), "models as the client writes them (* is a wildcard); empty: any")
                .optional("routes", List.of(), "HTTP paths the rule applies to; empty: any")
                .optional("schema", ConfigType.STRING, "the JSON schema as JSON text")
                .optional("schema-file", ConfigType.STRING, "a file holding the JSON schema")
                .build();
        return ConfigSpec.builder()
                .optional("on-failure", "error", "what an invalid output gets: error (502 json_validation_failed), "
                        + "retry-same (the same model again) or retry-next (the next fallback model)")
                .oneOf("error", "retry-same", "retry-next")
                .optional("max-retries", 1L, "re-runs before giving up").range(1, 5)
                .optional("retry-feedback", true, "tell the model on a re-run why its output was refused")
                .optional("fallback-models", List.of(), "for retry-next: models tried after the request's own "
                        + "fallbacks")
                .optional("response-format", true, "validate requests that ask for json_object or json_schema")
                .listOf("schemas", rule, "schemas for requests without response_format, by model and route; the "
                        + "first matching rule applies")
                .build();
    }

    @Override
    public Plugin create(PluginConfig config, PluginContext context) {
        List<JsonValidator.Rule> rules = new ArrayList<>();
        List<PluginConfig> items = config.children("schemas");
        for (int i = 0; i < items.size(); i++) {
            PluginConfig c = items.get(i);
            String where = "schemas[" + i + "]";
            Optional<String> inline = c.string("schema");
            Optional<String> file = c.string("schema-file");
            if (inline.isPresent() == file.isPresent()) {
                throw new IllegalArgumentException(where + ": give exactly one of schema and schema-file");
            }
            String text = inline.isPresent() ? inline.get() : read(where, file.get());
            rules.add(new JsonValidator.Rule(c.strings("models").stream().map(JsonValidationFactory::glob).toList(),
                    c.strings("routes"), JsonCheck.schema(where, text)));
        }
        JsonValidator.Settings settings = new JsonValidator.Settings(config.string("on-failure").orElse("error"),
                config.integer("max-retries").orElse(1L).intValue(), config.bool("retry-feedback").orElse(true),
                config.strings("fallback-models"), config.bool("response-format").orElse(true));
        return new JsonValidator(settings, List.copyOf(rules), context);
    }

    private static String read(String where, String file) {
        try {
            return Files.readString(Path.of(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException(where + ".schema-file: cannot read '" + file + "': " + e, e);
        }
    }

    static Pattern glob(String g) {
        StringBuilder sb = new StringBuilder();
        for (String part : g.split("\\*", -1)) {
            sb.append(Pattern.quote(part)).append(".*");
        }
        return Pattern.compile(sb.substring(0, sb.length() - 2));
    }
}
