package io.heimdall.plugin.exampleheaderhook;

import io.heimdall.api.RequestContext;
import io.heimdall.api.hook.Hook;
import io.heimdall.api.hook.HookOutcome;
import io.heimdall.api.hook.RequestOutcome;
import io.heimdall.api.model.ChatRequest;
import io.heimdall.api.model.ChatResponse;
import io.heimdall.api.plugin.ConfigSpec;
import io.heimdall.api.plugin.ConfigType;
import io.heimdall.api.plugin.PluginConfig;
import io.heimdall.api.plugin.Plugin;
import io.heimdall.api.plugin.PluginContext;
import io.heimdall.api.plugin.PluginFactory;

import java.util.Optional;

/**
 * Creates the {@code example-header-hook}: config {@code header} (the header name) and {@code value}. Before the
 * request it adds the header to the upstream request; after it, to the client's response.
 *
 * <pre>{@code
 * plugins:
 *   - { id: example-header-hook, config: { header: x-company, value: acme } }
 * }</pre>
 */
public final class HeaderHookFactory implements PluginFactory {
    /** The plugin id used in config. */
    public static final String ID = "example-header-hook";

    /** Creates the factory; ServiceLoader calls this. */
    public HeaderHookFactory() {
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "Adds a fixed header to upstream requests and client responses";
    }

    @Override
    public ConfigSpec configSpec() {
        return ConfigSpec.builder()
                .optional("header", ConfigType.STRING, "x-heimdall-example", "the header name to add")
                .required("value", ConfigType.STRING, "the header value")
                .optional("upstream", ConfigType.BOOLEAN, "true", "also add the header to upstream requests")
                .build();
    }

    @Override
    public Plugin create(PluginConfig config, PluginContext context) {
        String header = config.string("header").orElseThrow();
        if (!header.matches("[A-Za-z0-9!#$%&'*+.^_`|~-]+")) {
            throw new IllegalArgumentException("'" + header + "' is not a valid HTTP header name");
        }
        String value = config.string("value").orElseThrow();
        if (value.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new IllegalArgumentException("the header value must not contain control characters");
        }
        boolean upstream = config.bool("upstream").orElse(true);
        return new HeaderHook(header, value, upstream);
    }

    /** The plugin takes one role, a hook; stateless, so safe for concurrent use. */
    private record HeaderHook(String header, String value, boolean upstream) implements Plugin, Hook {
        @Override
        public Optional<Hook> hook() {
            return Optional.of(this);
        }

        @Override
        public RequestOutcome onRequest(ChatRequest request, RequestContext context) {
            if (upstream) {
                context.setUpstreamHeader(header, value);
            }
            context.setResponseHeader(header, value);
            return RequestOutcome.proceed(request);
        }

        @Override
        public HookOutcome<ChatResponse> onResponse(ChatRequest request, ChatResponse response,
                                                    RequestContext context) {
            try {
                context.setResponseHeader(header, value);
            } catch (IllegalStateException streamed) {
                // a stream's headers went out with its first chunk; onRequest already set this one
            }
            return HookOutcome.proceed(response);
        }
    }
}
