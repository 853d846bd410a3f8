package io.heimdall.plugin.exampleheaderhook;

import io.heimdall.api.RequestContext;
import io.heimdall.api.hook.Hook;
import io.heimdall.api.hook.HookOutcome;
import io.heimdall.api.model.ChatMessage;
import io.heimdall.api.model.ChatRequest;
import io.heimdall.api.plugin.PluginConfig;
import io.heimdall.api.plugin.Secret;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class HeaderHookFactoryTest {
    @Test
    void addsTheHeaderUpstreamAndToTheResponse() {
        Hook hook = new HeaderHookFactory().create(config(Map.of("header", "x-company", "value", "acme",
                "upstream", true)), null);
        Ctx ctx = new Ctx();
        ChatRequest request = ChatRequest.builder().model("m").addMessage(ChatMessage.user("hi")).build();
        HookOutcome<ChatRequest> outcome = hook.onRequest(request, ctx);
        assertSame(request, assertInstanceOf(HookOutcome.Proceed.class, outcome).value());
        assertEquals("acme", ctx.upstream.get("x-company"));
        assertEquals("acme", ctx.response.get("x-company"));
    }

    @Test
    void upstreamCanBeTurnedOff() {
        Hook hook = new HeaderHookFactory().create(config(Map.of("header", "x-company", "value", "acme",
                "upstream", false)), null);
        Ctx ctx = new Ctx();
        hook.onRequest(ChatRequest.builder().model("m").addMessage(ChatMessage.user("hi")).build(), ctx);
        assertFalse(ctx.upstream.containsKey("x-company"));
        assertEquals("acme", ctx.response.get("x-company"));
    }

    @Test
    void rejectsAnInvalidHeaderName() {
        assertThrows(IllegalArgumentException.class, () -> new HeaderHookFactory().create(
                config(Map.of("header", "bad header", "value", "v", "upstream", true)), null));
    }

    @Test
    void specDeclaresItsKeys() {
        var spec = new HeaderHookFactory().configSpec();
        assertEquals(List.of("header", "value", "upstream"), spec.options().stream().map(o -> o.key()).toList());
        assertEquals("example-header-hook", new HeaderHookFactory().id());
    }

    private static PluginConfig config(Map<String, Object> values) {
        return new PluginConfig() {
            @Override
            public String path() {
                return "plugins[0].config";
            }

            @Override
            public Set<String> keys() {
                return values.keySet();
            }

            @Override
            public Optional<String> string(String key) {
                return Optional.ofNullable(values.get(key)).map(String::valueOf);
            }

            @Override
            public Optional<Secret> secret(String key) {
                return string(key).map(Secret::of);
            }

            @Override
            public Optional<Long> integer(String key) {
                return Optional.empty();
            }

            @Override
            public Optional<Double> number(String key) {
                return Optional.empty();
            }

            @Override
            public Optional<Boolean> bool(String key) {
                return Optional.ofNullable((Boolean) values.get(key));
            }

            @Override
            public Optional<Duration> duration(String key) {
                return Optional.empty();
            }

            @Override
            public List<String> strings(String key) {
                return List.of();
            }

            @Override
            public Optional<PluginConfig> child(String key) {
                return Optional.empty();
            }

            @Override
            public List<PluginConfig> children(String key) {
                return List.of();
            }
        };
    }

    private static final class Ctx implements RequestContext {
        final Map<String, String> upstream = new LinkedHashMap<>();
        final Map<String, String> response = new LinkedHashMap<>();

        @Override
        public String requestId() {
            return "req-1";
        }

        @Override
        public Map<String, List<String>> headers() {
            return Map.of();
        }

        @Override
        public Instant deadline() {
            return Instant.now().plusSeconds(60);
        }

        @Override
        public Optional<String> caller() {
            return Optional.empty();
        }

        @Override
        public Map<String, Object> attributes() {
            return new HashMap<>();
        }

        @Override
        public void addResponseHeader(String name, String value) {
            response.put(name, value);
        }

        @Override
        public void addUpstreamHeader(String name, String value) {
            upstream.put(name, value);
        }

        @Override
        public Map<String, String> upstreamHeaders() {
            return Map.copyOf(upstream);
        }
    }
}
