package io.heimdall.plugin.jsonvalidation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.heimdall.api.plugin.PluginFactory;
import io.heimdall.testkit.MockBehavior;
import io.heimdall.testkit.RecordedRequest;
import io.heimdall.testkit.harness.GatewayHarness;
import io.heimdall.testkit.harness.HttpResult;
import io.heimdall.testkit.harness.StreamResult;
import io.heimdall.testkit.tck.HookContract;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** JSON validation in a running gateway, with schema-violating output from the mock upstream. */
class JsonValidationTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final Map<String, Object> AGE_SCHEMA = Map.of("type", "object", "required", List.of("age"),
            "properties", Map.of("age", Map.of("type", "integer", "minimum", 0)), "additionalProperties", false);
    static final String AGE_SCHEMA_TEXT = GatewayHarness.json(AGE_SCHEMA);

    @RegisterExtension
    static final GatewayHarness HARNESS = GatewayHarness.withPlugin(new JsonValidationFactory(), Map.of(
            "schemas", List.of(Map.of("models", List.of("upstream/gpt-4o"), "schema", AGE_SCHEMA_TEXT))));

    static String body(String model, Object responseFormat, boolean stream) {
        Map<String, Object> b = new HashMap<>(Map.of("model", model, "stream", stream, "messages",
                List.of(Map.of("role", "user", "content", "How old is Ada?"))));
        if (responseFormat != null) {
            b.put("response_format", responseFormat);
        }
        return GatewayHarness.json(b);
    }

    static Object schemaFormat() {
        return Map.of("type", "json_schema", "json_schema", Map.of("name", "age", "schema", AGE_SCHEMA,
                "strict", true));
    }

    static JsonNode error(HttpResult res) throws Exception {
        assertEquals(502, res.status(), res.body());
        JsonNode e = JSON.readTree(res.body()).path("error");
        assertEquals("json_validation_failed", e.path("code").asText(), res.body());
        return e;
    }

    static String content(HttpResult res) throws Exception {
        return JSON.readTree(res.body()).path("choices").path(0).path("message").path("content").asText();
    }

    @Test
    void jsonObjectOutputThatIsNotJsonIsA502() throws Exception {
        HARNESS.upstream().enqueue(MockBehavior.reply("Sure! Ada is 36."));
        JsonNode e = error(HARNESS.post("/v1/chat/completions", body(GatewayHarness.MODEL,
                Map.of("type", "json_object"), false)));
        assertEquals("response_format", e.path("param").asText());
        assertTrue(e.path("message").asText().contains("not valid JSON"), e.toString());
    }

    @Test
    void schemaViolatingOutputNamesTheViolation() throws Exception {
        HARNESS.upstream().enqueue(MockBehavior.reply("{\"age\": \"thirty-six\"}"));
        JsonNode e = error(HARNESS.post("/v1/chat/completions", body(GatewayHarness.MODEL, schemaFormat(), false)));
        assertTrue(e.path("message").asText().contains("age"), e.toString());
        HARNESS.upstream().enqueue(MockBehavior.reply("{\"age\": 36}"));
        HttpResult ok = HARNESS.post("/v1/chat/completions", body(GatewayHarness.MODEL, schemaFormat(), false));
        assertEquals(200, ok.status(), ok.body());
        assertEquals("{\"age\": 36}", content(ok));
    }

    @Test
    void aConfiguredSchemaAppliesToItsModelsOnly() throws Exception {
        HARNESS.upstream().enqueue(MockBehavior.reply("{\"age\": -1}"));
        error(HARNESS.post("/v1/chat/completions", body("upstream/gpt-4o", null, false)));
        HARNESS.upstream().enqueue(MockBehavior.reply("{\"age\": -1}"));
        assertEquals(200, HARNESS.post("/v1/chat/completions", body(GatewayHarness.MODEL, null, false)).status());
    }

    /** A rule by route: the chat route's rule applies to every model on it; another route's does not. */
    @Test
    void aConfiguredSchemaAppliesToItsRoutesOnly() throws Exception {
        for (String route : List.of("/v1/chat/completions", "/v1/messages")) {
            try (GatewayHarness h = GatewayHarness.withPlugin(new JsonValidationFactory(), Map.of("schemas",
                    List.of(Map.of("routes", List.of(route), "schema", AGE_SCHEMA_TEXT)))).start()) {
                h.upstream().enqueue(MockBehavior.reply("{\"age\": -1}"));
                HttpResult res = h.post("/v1/chat/completions", body(GatewayHarness.MODEL, null, false));
                if (route.equals("/v1/chat/completions")) {
                    assertTrue(error(res).path("message").asText().contains("age"), res.body());
                } else {
                    assertEquals(200, res.status(), res.body());
                }
            }
        }
    }

    @Test
    void anInvalidRequestSchemaIsA400() throws Exception {
        HttpResult res = HARNESS.post("/v1/chat/completions", body(GatewayHarness.MODEL, Map.of("type",
                "json_schema", "json_schema", Map.of("name", "x", "schema", Map.of("type", 12))), false));
        assertEquals(400, res.status(), res.body());
        assertEquals("invalid_json_schema", JSON.readTree(res.body()).path("error").path("code").asText());
    }

    @Test
    void aStreamIsValidatedAtItsEnd() {
        HARNESS.upstream().enqueue(MockBehavior.reply("{\"age\": \"old\"}"));
        StreamResult bad = StreamResult.of(HARNESS.post("/v1/chat/completions", body(GatewayHarness.MODEL,
                schemaFormat(), true)));
        assertEquals(200, bad.status());
        assertFalse(bad.done(), "no [DONE] after an invalid stream: " + bad.body());
        assertEquals("json_validation_failed", bad.error().orElseThrow().path("code").asText());

        HARNESS.upstream().enqueue(MockBehavior.reply("{\"age\": 7}"));
        StreamResult good = StreamResult.of(HARNESS.post("/v1/chat/completions", body(GatewayHarness.MODEL,
                schemaFormat(), true)));
        assertTrue(good.done(), good.body());
        assertEquals("{\"age\": 7}", good.text());
    }

    @Test
    void retrySameRunsTheRequestAgainWithFeedback() throws Exception {
        try (GatewayHarness h = GatewayHarness.withPlugin(new JsonValidationFactory(), Map.of("on-failure",
                "retry-same", "max-retries", 2)).start()) {
            h.upstream().enqueue(MockBehavior.reply("nope"), MockBehavior.reply("{\"age\": 1.5}"),
                    MockBehavior.reply("{\"age\": 2}"));
            HttpResult res = h.post("/v1/chat/completions", body(GatewayHarness.MODEL, schemaFormat(), false));
            assertEquals(200, res.status(), res.body());
            assertEquals("{\"age\": 2}", content(res));
            assertEquals("2", res.header("x-heimdall-json-retries").orElseThrow());
            List<RecordedRequest> sent = h.upstream().requests();
            assertEquals(3, sent.size());
            assertTrue(sent.get(2).body().contains("Your previous answer was refused"), sent.get(2).body());

            h.upstream().enqueue(MockBehavior.reply("nope"), MockBehavior.reply("still nope"),
                    MockBehavior.reply("never"));
            JsonNode e = error(h.post("/v1/chat/completions", body(GatewayHarness.MODEL, schemaFormat(), false)));
            assertTrue(e.path("message").asText().contains("after re-running"), e.toString());
        }
    }

    @Test
    void retryNextUsesTheNextFallbackModel() throws Exception {
        try (GatewayHarness h = GatewayHarness.withPlugin(new JsonValidationFactory(), Map.of("on-failure",
                "retry-next", "fallback-models", List.of("upstream/gpt-4o"), "retry-feedback", false)).start()) {
            h.upstream().enqueue(MockBehavior.reply("[1, 2]"), MockBehavior.reply("{\"ok\": true}"));
            HttpResult res = h.post("/v1/chat/completions", body(GatewayHarness.MODEL, Map.of("type",
                    "json_object"), false));
            assertEquals(200, res.status(), res.body());
            assertEquals("{\"ok\": true}", content(res));
            List<RecordedRequest> sent = h.upstream().requests();
            assertEquals(2, sent.size());
            assertEquals("gpt-4o", JSON.readTree(sent.get(1).body()).path("model").asText());
            assertFalse(sent.get(1).body().contains("refused"), "no feedback when turned off");
        }
    }

    /** The plugin passes the hook contract. */
    @Nested
    class Contract extends HookContract {
        @Override
        protected PluginFactory factory() {
            return new JsonValidationFactory();
        }

        @Override
        protected Map<String, Object> config() {
            return Map.of("schemas", List.of(Map.of("models", List.of("other/*"), "schema", AGE_SCHEMA_TEXT)));
        }
    }
}
