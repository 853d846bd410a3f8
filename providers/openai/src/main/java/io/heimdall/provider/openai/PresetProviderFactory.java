package io.heimdall.provider.openai;

import io.heimdall.api.model.ChatRequest;
import io.heimdall.api.plugin.ConfigSpec;
import io.heimdall.api.plugin.ConfigType;
import io.heimdall.api.plugin.PluginConfig;
import io.heimdall.api.plugin.PluginContext;
import io.heimdall.api.provider.Capability;
import io.heimdall.api.provider.Provider;
import io.heimdall.api.provider.ProviderFactory;

import java.util.EnumSet;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * A provider type that is a preset of the OpenAI wire provider: the service's default base URL, bearer-key auth (a key
 * is required for hosted services, optional for local servers), and its quirks from the {@link Presets} table. The
 * concrete types are the nested classes of {@link PresetFactories}.
 *
 * <pre>{@code
 * providers:
 *   groq:
 *     type: groq
 *     keys: [ "${env:GROQ_API_KEY}" ]
 *   local:
 *     type: ollama                       # http://localhost:11434/v1, no key
 *     base-url: http://gpu-box:11434/v1  # optional override
 *     drop-fields: [ user ]              # optional: more fields to remove before sending
 * }</pre>
 *
 * <p>Config keys: {@code base-url} (default: the preset's), {@code timeout}, {@code headers}, {@code drop-fields}.
 */
public abstract class PresetProviderFactory implements ProviderFactory {
    private final Preset preset;
    private final ConfigSpec spec;

    PresetProviderFactory(String type) {
        this.preset = Preset.of(type).orElseThrow(() -> new IllegalStateException("no preset " + type));
        this.spec = ConfigSpec.builder()
                .optional("base-url", ConfigType.STRING, preset.baseUrl(),
                        "Base URL of the service's OpenAI API, up to and including the version path")
                .optional("timeout", ConfigType.DURATION, OpenAiProvider.DEFAULT_TIMEOUT,
                        "How long to wait for response headers, and between reads of a streamed body")
                .optional("headers", ConfigType.OBJECT,
                        "Extra static headers sent with every upstream request, name: value (none by default)")
                .optional("drop-fields", ConfigType.STRING_LIST,
                        "More top-level request fields to remove before sending, besides the preset's "
                                + preset.sortedDropFields() + " (messages.name removes message names)")
                .build();
    }

    @Override
    public final String id() {
        return preset.type();
    }

    @Override
    public final String description() {
        return preset.description();
    }

    @Override
    public final ConfigSpec configSpec() {
        return spec;
    }

    @Override
    public final Provider create(PluginConfig config, PluginContext context) {
        Set<String> drop = new HashSet<>(preset.dropFields());
        drop.addAll(config.strings("drop-fields"));
        return OpenAiProvider.create(config, context, Optional.of(preset.baseUrl()), false, preset.keyRequired(),
                new PresetFlavor(preset, Set.copyOf(drop)));
    }

    /** The preset's rewrites: dropped fields, {@code max_tokens}, single choice, and missing capabilities. */
    private record PresetFlavor(Preset preset, Set<String> drop) implements Flavor {
        @Override
        public ChatRequest adapt(ChatRequest request, String provider) {
            ChatRequest r = Quirks.drop(request, drop);
            if (preset.maxTokensOnly()) {
                r = Quirks.maxTokensOnly(r);
            }
            if (preset.singleChoice()) {
                r = Quirks.singleChoice(r, provider, preset.type());
            }
            return r;
        }

        @Override
        public Set<Capability> capabilities(Set<Capability> wire) {
            if (preset.lacks().isEmpty()) {
                return wire;
            }
            Set<Capability> out = EnumSet.copyOf(wire);
            out.removeAll(preset.lacks());
            return Set.copyOf(out);
        }
    }
}
