package io.heimdall.plugin.requestvalidation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.heimdall.api.plugin.PluginFactory;
import io.heimdall.testkit.harness.GatewayHarness;
import io.heimdall.testkit.harness.HttpResult;
import io.heimdall.testkit.tck.HookContract;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Request validation in a running gateway: each cap and the model allow-list, globally and per route. */
class RequestValidationTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final GatewayHarness HARNESS = GatewayHarness.withPlugin(new RequestValidationFactory(), Map.of(
            "max-tokens", 100, "max-messages", 3, "max-prompt-chars", 50,
            "allowed-models", List.of("upstream/gpt-4o*", "cheap"),
            "routes", Map.of("/v1/chat/completions", Map.of("max-tokens", 50,
                    "allowed-models", List.of("upstream/gpt-4o*")))));

    private static HttpResult send(Map<String, Object> body) {
        return HARNESS.post("/v1/chat/completions", GatewayHarness.json(body));
    }

    private static Map<String, Object> request(String model, int messages, String text) {
        List<Map<String, String>> m = new ArrayList<>();
        for (int i = 0; i < messages; i++) {
            m.add(Map.of("role", "user", "content", text));
        }
        return new java.util.HashMap<>(Map.of("model", model, "messages", m));
    }

    private static JsonNode error(HttpResult res, String code, String param) throws Exception {
        assertEquals(400, res.status(), res.body());
        JsonNode e = JSON.readTree(res.body()).path("error");
        assertEquals("invalid_request_error", e.path("type").asText());
        assertEquals(code, e.path("code").asText(), res.body());
        assertEquals(param, e.path("param").asText(), res.body());
        assertEquals(0, HARNESS.upstream().requestCount("/v1/chat/completions"), "nothing reached the upstream");
        return e;
    }

    @Test
    void aRequestWithinTheLimitsPasses() {
        Map<String, Object> ok = request(GatewayHarness.MODEL, 3, "hello");
        ok.put("max_tokens", 50);
        assertEquals(200, send(ok).status());
    }

    @Test
    void aModelNotAllowedIsNamed() throws Exception {
        JsonNode e = error(send(request("upstream/o1", 1, "hi")), "model_not_allowed", "model");
        assertTrue(e.path("message").asText().contains("'upstream/o1'"), e.toString());
    }

    /** "cheap" is allowed at the top level, but the chat route's own list replaces that one. */
    @Test
    void theRoutesAllowedModelsReplaceTheTopLevelOnes() throws Exception {
        JsonNode e = error(send(request("cheap", 1, "hi")), "model_not_allowed", "model");
        assertTrue(e.path("message").asText().contains("'cheap' is not allowed on route /v1/chat/completions "
                + "(allowed: upstream/gpt-4o*)"), e.toString());
    }

    @Test
    void theRouteCapReplacesTheTopLevelOne() throws Exception {
        Map<String, Object> r = request(GatewayHarness.MODEL, 1, "hi");
        r.put("max_completion_tokens", 60);
        JsonNode e = error(send(r), "max_tokens_too_large", "max_completion_tokens");
        assertTrue(e.path("message").asText().contains("cap of 50 on route /v1/chat/completions"), e.toString());
    }

    @Test
    void tooManyMessagesAndTooLongPrompts() throws Exception {
        error(send(request(GatewayHarness.MODEL, 4, "hi")), "too_many_messages", "messages");
        error(send(request(GatewayHarness.MODEL, 2, "x".repeat(26))), "prompt_too_large", "messages");
    }

    @Test
    void aRouteMustBeAPath() {
        RuntimeException e = assertThrows(RuntimeException.class, () -> GatewayHarness.withPlugin(
                new RequestValidationFactory(), Map.of("routes", Map.of("chat", Map.of("max-tokens", 1)))).start());
        assertTrue(e.getMessage().contains("routes.chat"), e.getMessage());
    }

    /** The plugin passes the hook contract. */
    @Nested
    class Contract extends HookContract {
        @Override
        protected PluginFactory factory() {
            return new RequestValidationFactory();
        }

        @Override
        protected Map<String, Object> config() {
            return Map.of("max-tokens", 1000, "allowed-models", List.of("upstream/*"));
        }
    }
}
