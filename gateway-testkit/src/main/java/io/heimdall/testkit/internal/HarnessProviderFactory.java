package io.heimdall.testkit.internal;

import io.heimdall.api.GatewayException;
import io.heimdall.api.http.ServerSentEvents;
import io.heimdall.api.http.UpstreamClient;
import io.heimdall.api.http.UpstreamRequest;
import io.heimdall.api.http.UpstreamResponse;
import io.heimdall.api.model.ChatRequest;
import io.heimdall.api.model.ChatResponse;
import io.heimdall.api.plugin.ConfigSpec;
import io.heimdall.api.plugin.ConfigType;
import io.heimdall.api.plugin.PluginConfig;
import io.heimdall.api.plugin.PluginContext;
import io.heimdall.api.provider.Capability;
import io.heimdall.api.provider.ChunkSink;
import io.heimdall.api.provider.Provider;
import io.heimdall.api.provider.ProviderCall;
import io.heimdall.api.provider.ProviderFactory;
import io.heimdall.api.wire.OpenAiWire;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Provider type {@code harness-openai}: the smallest OpenAI-wire provider (chat and streaming over the HTTP client and
 * codec the core lends), so the {@link io.heimdall.testkit.harness.GatewayHarness} needs no provider plugin.
 */
public final class HarnessProviderFactory implements ProviderFactory {
    /** The provider type. */
    public static final String ID = "harness-openai";

    /** Creates the factory. */
    public HarnessProviderFactory() {
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public ConfigSpec configSpec() {
        return ConfigSpec.builder().required("base-url", ConfigType.STRING, "the upstream's base URL").build();
    }

    @Override
    public Provider create(PluginConfig config, PluginContext context) {
        return new WireProvider(context.http(config.string("base-url").orElseThrow()), context.openAiWire());
    }

    private record WireProvider(UpstreamClient http, OpenAiWire wire) implements Provider {
        private static final Duration TIMEOUT = Duration.ofSeconds(30);

        private UpstreamResponse send(ChatRequest request) {
            UpstreamResponse res = http.send(UpstreamRequest.postJson("/chat/completions",
                    Map.of("content-type", "application/json"), wire.encodeChatRequest(request), TIMEOUT));
            if (res.status() >= 400) {
                try (res) {
                    throw new GatewayException(wire.decodeError(res.status(), res.readBody(64 << 10)));
                }
            }
            return res;
        }

        @Override
        public ChatResponse chat(ChatRequest request, ProviderCall call) {
            try (UpstreamResponse res = send(request)) {
                return wire.decodeChatResponse(res.readBody(32 << 20));
            }
        }

        @Override
        public void stream(ChatRequest request, ProviderCall call, ChunkSink sink) {
            try (UpstreamResponse res = send(request); ServerSentEvents events = new ServerSentEvents(res.body())) {
                for (Optional<ServerSentEvents.Event> e = events.next(); e.isPresent(); e = events.next()) {
                    String data = e.get().data();
                    if (data.strip().equals("[DONE]")) {
                        return;
                    }
                    if (data.startsWith("{\"error\"")) {
                        throw new GatewayException(wire.decodeError(502, data.getBytes(
                                java.nio.charset.StandardCharsets.UTF_8)));
                    }
                    sink.accept(wire.decodeChunk(data));
                }
            }
        }

        @Override
        public Set<Capability> capabilities() {
            return EnumSet.of(Capability.CHAT, Capability.STREAMING, Capability.TOOLS, Capability.JSON_MODE);
        }
    }
}
