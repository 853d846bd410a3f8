package io.heimdall.plugin.exampleheaderhook;

import io.heimdall.api.hook.Hook;
import io.heimdall.api.hook.RequestOutcome;
import io.heimdall.api.model.ChatMessage;
import io.heimdall.api.model.ChatRequest;
import io.heimdall.api.plugin.Plugin;
import io.heimdall.api.plugin.PluginConfig;
import io.heimdall.core.StandaloneContext;
import io.heimdall.testkit.TestRequestContext;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HeaderHookFactoryTest {
    private static Hook hook(Map<String, Object> config) {
        Plugin plugin = new HeaderHookFactory().create(config(config), StandaloneContext.create("example-header-hook"));
        assertTrue(plugin.observer().isEmpty() && plugin.endpoints().isEmpty(), "takes only the hook role");
        return plugin.hook().orElseThrow();
    }

    @Test
    void addsTheHeaderUpstreamAndToTheResponse() {
        Hook hook = hook(Map.of("header", "x-company", "value", "acme", "upstream", true));
        TestRequestContext ctx = new TestRequestContext();
        ChatRequest request = ChatRequest.builder().model("m").addMessage(ChatMessage.user("hi")).build();
        RequestOutcome outcome = hook.onRequest(request, ctx);
        assertSame(request, assertInstanceOf(RequestOutcome.Proceed.class, outcome).request());
        assertEquals("acme", ctx.upstreamHeaders().get("x-company"));
        assertEquals(List.of("acme"), ctx.responseHeaders().get("x-company"));
    }

    @Test
    void upstreamCanBeTurnedOff() {
        Hook hook = hook(Map.of("header", "x-company", "value", "acme", "upstream", false));
        TestRequestContext ctx = new TestRequestContext();
        hook.onRequest(ChatRequest.builder().model("m").addMessage(ChatMessage.user("hi")).build(), ctx);
        assertFalse(ctx.upstreamHeaders().containsKey("x-company"));
        assertEquals(List.of("acme"), ctx.responseHeaders().get("x-company"));
    }

    @Test
    void rejectsAnInvalidHeaderName() {
        assertThrows(IllegalArgumentException.class, () -> new HeaderHookFactory().create(
                config(Map.of("header", "bad header", "value", "v", "upstream", true)),
                StandaloneContext.create("example-header-hook")));
    }

    @Test
    void specDeclaresItsKeys() {
        var spec = new HeaderHookFactory().configSpec();
        assertEquals(List.of("header", "value", "upstream"), spec.options().stream().map(o -> o.key()).toList());
        assertEquals("example-header-hook", new HeaderHookFactory().id());
    }

    private static PluginConfig config(Map<String, Object> values) {
        return StandaloneContext.config("plugins[0].config", values, new HeaderHookFactory().configSpec());
    }
}
