package io.heimdall.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.ServerSocket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.heimdall.testkit.Http.events;
import static io.heimdall.testkit.Http.fieldNames;
import static io.heimdall.testkit.Http.get;
import static io.heimdall.testkit.Http.json;
import static io.heimdall.testkit.Http.post;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(20)
class MockOpenAiServerTest {
    private static MockOpenAiServer mock;

    @BeforeAll
    static void start() {
        mock = MockOpenAiServer.start();
    }

    @AfterAll
    static void stop() {
        mock.close();
    }

    @BeforeEach
    void reset() {
        mock.reset();
    }

    @Test
    void chatCompletionHasOpenAiShapeAndOrder() {
        long now = System.currentTimeMillis() / 1000;
        HttpResponse<String> res = post(mock, "/v1/chat/completions",
                "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},"
                        + "{\"role\":\"user\",\"content\":\"Hello there, mock\"}],\"temperature\":0.2}");

        assertEquals(200, res.statusCode());
        assertEquals(Optional.of("application/json"), res.headers().firstValue("content-type"));
        assertTrue(res.headers().firstValue("x-request-id").orElse("").matches("req_[0-9a-f]{32}"));
        assertTrue(res.body().startsWith("{\n  \"id\": \"chatcmpl-"), "pretty-printed like OpenAI: " + res.body());
        assertTrue(res.body().endsWith("}\n"));
        JsonNode root = json(res.body());
        assertEquals(List.of("id", "object", "created", "model", "choices", "usage", "service_tier",
                "system_fingerprint"), fieldNames(root));
        assertTrue(root.path("id").asText().matches("chatcmpl-[A-Za-z0-9]{29}"), root.path("id").asText());
        assertEquals("chat.completion", root.path("object").asText());
        assertTrue(Math.abs(root.path("created").asLong() - now) <= 5);
        assertEquals("gpt-4o-mini", root.path("model").asText());
        assertEquals("default", root.path("service_tier").asText());
        assertTrue(root.path("system_fingerprint").asText().startsWith("fp_"));

        JsonNode choice = root.path("choices").get(0);
        assertEquals(1, root.path("choices").size());
        assertEquals(List.of("index", "message", "logprobs", "finish_reason"), fieldNames(choice));
        assertEquals(0, choice.path("index").asInt());
        assertTrue(choice.path("logprobs").isNull());
        assertEquals("stop", choice.path("finish_reason").asText());
        JsonNode message = choice.path("message");
        assertEquals(List.of("role", "content", "refusal", "annotations"), fieldNames(message));
        assertEquals("assistant", message.path("role").asText());
        assertEquals("Echo: Hello there, mock", message.path("content").asText());
        assertTrue(message.path("refusal").isNull());
        assertTrue(message.path("annotations").isArray() && message.path("annotations").isEmpty());
        assertTrue(res.body().contains("\"annotations\": []"), "empty arrays as []");

        JsonNode usage = root.path("usage");
        assertEquals(List.of("prompt_tokens", "completion_tokens", "total_tokens", "prompt_tokens_details",
                "completion_tokens_details"), fieldNames(usage));
        assertEquals(5 + 2 * 4, usage.path("prompt_tokens").asInt(), "5 words + 4 per message");
        assertEquals(4, usage.path("completion_tokens").asInt(), "Echo: | Hello | there, | mock");
        assertEquals(17, usage.path("total_tokens").asInt());
        assertEquals(List.of("cached_tokens", "audio_tokens"), fieldNames(usage.path("prompt_tokens_details")));
        assertEquals(List.of("reasoning_tokens", "audio_tokens", "accepted_prediction_tokens",
                "rejected_prediction_tokens"), fieldNames(usage.path("completion_tokens_details")));
    }

    @Test
    void chatEchoesTheLastUserMessageAndJoinsTextParts() {
        HttpResponse<String> res = post(mock, "/v1/chat/completions", "{\"model\":\"m\",\"messages\":["
                + "{\"role\":\"user\",\"content\":\"old\"},{\"role\":\"assistant\",\"content\":\"a\"},"
                + "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"first\"},"
                + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"https://x/y.png\"}},"
                + "{\"type\":\"text\",\"text\":\"second \\\"quoted\\\" ünïcødé 👋\"}]}]}");

        assertEquals(200, res.statusCode());
        assertEquals("Echo: first\nsecond \"quoted\" ünïcødé 👋",
                json(res.body()).path("choices").get(0).path("message").path("content").asText());
        assertTrue(res.body().contains("👋"), "non-ASCII is sent as UTF-8, not escaped");
    }

    @Test
    void streamIsServerSentEventsEndingWithDone() {
        HttpResponse<String> res = post(mock, "/v1/chat/completions", Http.chat("one two  three", true));

        assertEquals(200, res.statusCode());
        assertEquals(Optional.of("text/event-stream; charset=utf-8"), res.headers().firstValue("content-type"));
        assertTrue(res.body().endsWith("\n\ndata: [DONE]\n\n"));
        List<String> events = events(res.body());
        assertEquals("[DONE]", events.getLast());
        List<JsonNode> chunks = events.subList(0, events.size() - 1).stream().map(Http::json).toList();
        assertEquals(6, chunks.size(), "role, 4 pieces, finish");

        String id = chunks.getFirst().path("id").asText();
        for (JsonNode c : chunks) {
            assertEquals(List.of("id", "object", "created", "model", "service_tier", "system_fingerprint",
                    "choices", "obfuscation"), fieldNames(c), "no usage field without include_usage");
            assertTrue(c.path("obfuscation").asText().matches("[A-Za-z0-9]{1,16}"), c.toString());
            assertEquals(id, c.path("id").asText());
            assertEquals("chat.completion.chunk", c.path("object").asText());
            assertEquals(List.of("index", "delta", "logprobs", "finish_reason"),
                    fieldNames(c.path("choices").get(0)));
        }
        assertEquals("{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null}",
                chunks.getFirst().path("choices").get(0).path("delta").toString());
        assertTrue(events.getFirst().contains("\"delta\":{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null}"));
        List<String> pieces = new ArrayList<>();
        for (JsonNode c : chunks.subList(1, 5)) {
            JsonNode choice = c.path("choices").get(0);
            assertEquals(List.of("content"), fieldNames(choice.path("delta")));
            assertTrue(choice.path("finish_reason").isNull());
            pieces.add(choice.path("delta").path("content").asText());
        }
        assertEquals(List.of("Echo:", " one", " two", "  three"), pieces);
        JsonNode last = chunks.getLast().path("choices").get(0);
        assertEquals("{}", last.path("delta").toString());
        assertEquals("stop", last.path("finish_reason").asText());
    }

    @Test
    void streamWithIncludeUsageEndsWithUsageChunk() {
        HttpResponse<String> res = post(mock, "/v1/chat/completions", "{\"model\":\"m\",\"stream\":true,"
                + "\"stream_options\":{\"include_usage\":true,\"include_obfuscation\":false},"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

        List<String> events = events(res.body());
        assertEquals("[DONE]", events.getLast());
        List<JsonNode> chunks = events.subList(0, events.size() - 1).stream().map(Http::json).toList();
        for (JsonNode c : chunks.subList(0, chunks.size() - 1)) {
            assertEquals(List.of("id", "object", "created", "model", "service_tier", "system_fingerprint",
                    "choices", "usage"), fieldNames(c), "usage: null on every other chunk, no obfuscation");
            assertTrue(c.path("usage").isNull());
        }
        JsonNode usage = chunks.getLast();
        assertEquals(List.of("id", "object", "created", "model", "service_tier", "system_fingerprint", "choices",
                "usage"), fieldNames(usage));
        assertTrue(usage.path("choices").isArray() && usage.path("choices").isEmpty());
        assertEquals(5, usage.path("usage").path("prompt_tokens").asInt());
        assertEquals(2, usage.path("usage").path("completion_tokens").asInt());
        assertEquals(7, usage.path("usage").path("total_tokens").asInt());
        assertEquals("stop", chunks.get(chunks.size() - 2).path("choices").get(0).path("finish_reason").asText());
    }

    private static final String TOOLS = "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"lookup\","
            + "\"parameters\":{\"type\":\"object\"}}},{\"type\":\"function\",\"function\":{\"name\":\"other\"}}]";

    @Test
    void toolCallInCompletion() {
        HttpResponse<String> res = post(mock, "/v1/chat/completions", "{\"model\":\"m\"," + TOOLS
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"weather in \\\"Oslo\\\"\"}]}");

        JsonNode choice = json(res.body()).path("choices").get(0);
        assertEquals("tool_calls", choice.path("finish_reason").asText());
        JsonNode message = choice.path("message");
        assertEquals(List.of("role", "content", "tool_calls", "refusal", "annotations"), fieldNames(message));
        assertTrue(message.path("content").isNull());
        JsonNode call = message.path("tool_calls").get(0);
        assertEquals(1, message.path("tool_calls").size());
        assertEquals(List.of("id", "type", "function"), fieldNames(call));
        assertTrue(call.path("id").asText().matches("call_[A-Za-z0-9]{24}"));
        assertEquals("function", call.path("type").asText());
        assertEquals("lookup", call.path("function").path("name").asText());
        String arguments = call.path("function").path("arguments").asText();
        assertEquals("{\"query\":\"weather in \\\"Oslo\\\"\"}", arguments);
        assertEquals(MockOpenAiServer.toolArguments("weather in \"Oslo\""), arguments);
        assertEquals("weather in \"Oslo\"", json(arguments).path("query").asText());
    }

    @Test
    void toolCallInStream() {
        HttpResponse<String> res = post(mock, "/v1/chat/completions", "{\"model\":\"m\",\"stream\":true," + TOOLS
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"find the nearest 🍕 place\"}]}");

        List<String> events = events(res.body());
        assertEquals("[DONE]", events.getLast());
        List<JsonNode> chunks = events.subList(0, events.size() - 1).stream().map(Http::json).toList();
        JsonNode first = chunks.getFirst().path("choices").get(0).path("delta");
        assertEquals(List.of("role", "content", "tool_calls", "refusal"), fieldNames(first));
        assertTrue(first.path("content").isNull());
        JsonNode start = first.path("tool_calls").get(0);
        assertEquals(List.of("index", "id", "type", "function"), fieldNames(start));
        assertEquals(0, start.path("index").asInt());
        assertTrue(start.path("id").asText().startsWith("call_"));
        assertEquals("lookup", start.path("function").path("name").asText());
        assertEquals("", start.path("function").path("arguments").asText());

        StringBuilder arguments = new StringBuilder();
        for (JsonNode c : chunks.subList(1, chunks.size() - 1)) {
            JsonNode delta = c.path("choices").get(0).path("delta");
            assertEquals(List.of("tool_calls"), fieldNames(delta));
            JsonNode fragment = delta.path("tool_calls").get(0);
            assertEquals(List.of("index", "function"), fieldNames(fragment));
            assertEquals(List.of("arguments"), fieldNames(fragment.path("function")));
            arguments.append(fragment.path("function").path("arguments").asText());
        }
        assertTrue(chunks.size() > 4, "arguments in several fragments");
        assertEquals(MockOpenAiServer.toolArguments("find the nearest 🍕 place"), arguments.toString());
        assertEquals("tool_calls", chunks.getLast().path("choices").get(0).path("finish_reason").asText());
    }

    @Test
    void toolChoiceDecidesWhetherAndWhichToolIsCalled() {
        String user = "{\"role\":\"user\",\"content\":\"q\"}";
        String toolResult = ",{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"call_1\","
                + "\"type\":\"function\",\"function\":{\"name\":\"lookup\",\"arguments\":\"{}\"}}]},"
                + "{\"role\":\"tool\",\"tool_call_id\":\"call_1\",\"content\":\"sunny\"}";

        assertEquals("Echo: q", message("{\"model\":\"m\"," + TOOLS + ",\"tool_choice\":\"none\",\"messages\":["
                + user + "]}").path("content").asText());
        assertEquals("other", message("{\"model\":\"m\"," + TOOLS + ",\"tool_choice\":{\"type\":\"function\","
                + "\"function\":{\"name\":\"other\"}},\"messages\":[" + user + "]}")
                .path("tool_calls").get(0).path("function").path("name").asText());
        assertEquals("Echo: q", message("{\"model\":\"m\"," + TOOLS + ",\"messages\":[" + user + toolResult + "]}")
                .path("content").asText(), "auto answers a tool result with text");
        assertEquals("lookup", message("{\"model\":\"m\"," + TOOLS + ",\"tool_choice\":\"required\",\"messages\":["
                + user + toolResult + "]}").path("tool_calls").get(0).path("function").path("name").asText());
    }

    private static JsonNode message(String body) {
        HttpResponse<String> res = post(mock, "/v1/chat/completions", body);
        assertEquals(200, res.statusCode(), res.body());
        return json(res.body()).path("choices").get(0).path("message");
    }

    @Test
    void embeddingsAsFloatsAndAsBase64() {
        HttpResponse<String> floats = post(mock, "/v1/embeddings",
                "{\"model\":\"text-embedding-3-small\",\"input\":[\"hello world\",\"second text\"]}");
        HttpResponse<String> b64 = post(mock, "/v1/embeddings", "{\"model\":\"text-embedding-3-small\","
                + "\"input\":[\"hello world\",\"second text\"],\"encoding_format\":\"base64\"}");

        assertEquals(200, floats.statusCode());
        JsonNode root = json(floats.body());
        assertEquals(List.of("object", "data", "model", "usage"), fieldNames(root));
        assertEquals("list", root.path("object").asText());
        assertEquals("text-embedding-3-small", root.path("model").asText());
        assertEquals("{\"prompt_tokens\":4,\"total_tokens\":4}", root.path("usage").toString());
        JsonNode base64Root = json(b64.body());
        for (int i = 0; i < 2; i++) {
            String text = i == 0 ? "hello world" : "second text";
            float[] expected = MockOpenAiServer.embedding(text, 1536);
            JsonNode item = root.path("data").get(i);
            assertEquals(List.of("object", "index", "embedding"), fieldNames(item));
            assertEquals("embedding", item.path("object").asText());
            assertEquals(i, item.path("index").asInt());
            float[] parsed = new float[item.path("embedding").size()];
            for (int j = 0; j < parsed.length; j++) {
                parsed[j] = (float) item.path("embedding").get(j).asDouble();
            }
            assertArrayEquals(expected, parsed, "floats round-trip exactly");

            String encoded = base64Root.path("data").get(i).path("embedding").asText();
            ByteBuffer bb = ByteBuffer.wrap(Base64.getDecoder().decode(encoded)).order(ByteOrder.LITTLE_ENDIAN);
            float[] decoded = new float[bb.remaining() / 4];
            bb.asFloatBuffer().get(decoded);
            assertArrayEquals(expected, decoded, "base64 is little-endian float32");
        }
    }

    @Test
    void embeddingsHonourDimensionsModelAndSingleInput() {
        JsonNode small = json(post(mock, "/v1/embeddings",
                "{\"model\":\"text-embedding-3-small\",\"input\":\"one\",\"dimensions\":8}").body());
        JsonNode large = json(post(mock, "/v1/embeddings",
                "{\"model\":\"text-embedding-3-large\",\"input\":\"one\"}").body());

        assertEquals(8, small.path("data").get(0).path("embedding").size());
        assertEquals(1, small.path("data").size());
        assertEquals(3072, large.path("data").get(0).path("embedding").size());
        HttpResponse<String> bad = post(mock, "/v1/embeddings", "{\"model\":\"e\",\"input\":[]}");
        assertEquals(400, bad.statusCode());
        assertEquals("empty_array", json(bad.body()).path("error").path("code").asText());
    }

    @Test
    void modelsAreListedAndRetrieved() {
        HttpResponse<String> list = get(mock, "/v1/models");
        HttpResponse<String> one = get(mock, "/v1/models/gpt-4o");
        HttpResponse<String> missing = get(mock, "/v1/models/nope");

        assertEquals(200, list.statusCode());
        JsonNode root = json(list.body());
        assertEquals(List.of("object", "data"), fieldNames(root));
        assertEquals(MockOpenAiServer.DEFAULT_MODELS.size(), root.path("data").size());
        JsonNode first = root.path("data").get(0);
        assertEquals(List.of("id", "object", "created", "owned_by"), fieldNames(first));
        assertEquals("gpt-4o-mini", first.path("id").asText());
        assertEquals("model", first.path("object").asText());
        assertEquals("gpt-4o", json(one.body()).path("id").asText());
        assertEquals(404, missing.statusCode());
        assertEquals("model_not_found", json(missing.body()).path("error").path("code").asText());
    }

    @Test
    void unknownPathIsOpenAiStyle404AndConsumesNoBehavior() {
        mock.enqueue(MockBehavior.status(500));

        HttpResponse<String> res = get(mock, "/v1/nope");
        HttpResponse<String> wrongMethod = get(mock, "/v1/chat/completions");

        assertEquals(404, res.statusCode());
        assertEquals(Optional.of("application/json"), res.headers().firstValue("content-type"));
        assertEquals("{\n    \"error\": {\n        \"message\": \"Invalid URL (GET /v1/nope)\",\n"
                + "        \"type\": \"invalid_request_error\",\n        \"param\": null,\n        \"code\": null\n"
                + "    }\n}\n", res.body());
        assertEquals(404, wrongMethod.statusCode());
        assertEquals("Invalid URL (GET /v1/chat/completions)", json(wrongMethod.body()).path("error")
                .path("message").asText());
        assertEquals(1, mock.pendingBehaviors());
    }

    @Test
    void badRequestsAre400LikeOpenAi() {
        assertError(post(mock, "/v1/chat/completions", "{\"model\": \"m\", \"messages\": ["), null, null,
                "We could not parse the JSON body of your request.");
        assertError(post(mock, "/v1/chat/completions", ""), null, null, "We could not parse the JSON body");
        assertError(post(mock, "/v1/chat/completions", "[1,2]"), null, null, "We could not parse the JSON body");
        assertError(post(mock, "/v1/chat/completions", "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}"),
                null, null, "you must provide a model parameter");
        assertError(post(mock, "/v1/chat/completions", "{\"model\":\"m\"}"), "messages",
                "missing_required_parameter", "Missing required parameter: 'messages'.");
        assertError(post(mock, "/v1/chat/completions", "{\"model\":\"m\",\"messages\":[]}"), "messages",
                "empty_array", "Invalid 'messages': empty array.");
        assertError(post(mock, "/v1/chat/completions", "{\"model\":5,\"messages\":[]}"), "model", "invalid_type",
                "Invalid type for 'model': expected a string, but got an integer instead.");
        assertError(post(mock, "/v1/chat/completions", "{\"model\":\"m\",\"messages\":[{\"role\":\"bot\","
                + "\"content\":\"x\"}]}"), "messages[0].role", "invalid_value", "Invalid value: 'bot'.");
        assertError(post(mock, "/v1/embeddings", "{\"model\":\"e\"}"), "input", "missing_required_parameter",
                "Missing required parameter: 'input'.");
    }

    private static void assertError(HttpResponse<String> res, String param, String code, String messageStart) {
        assertEquals(400, res.statusCode(), res.body());
        JsonNode error = json(res.body()).path("error");
        assertEquals(List.of("message", "type", "param", "code"), fieldNames(error));
        assertTrue(error.path("message").asText().startsWith(messageStart), error.toString());
        assertEquals("invalid_request_error", error.path("type").asText());
        assertEquals(param, error.path("param").isNull() ? null : error.path("param").asText());
        assertEquals(code, error.path("code").isNull() ? null : error.path("code").asText());
    }

    @Test
    void latencyDelaysEveryResponseUntilReset() {
        mock.latency(Duration.ofMillis(300));
        long start = System.nanoTime();

        assertEquals(200, get(mock, "/v1/models").statusCode());

        assertTrue(System.nanoTime() - start >= 300_000_000L, "latency applied");
        assertEquals(Duration.ofMillis(300), mock.latency());
        mock.reset();
        assertEquals(Duration.ZERO, mock.latency());
    }

    @Test
    void streamChunkDelaySpacesEvents() {
        mock.streamChunkDelay(Duration.ofMillis(50));
        long start = System.nanoTime();

        HttpResponse<String> res = post(mock, "/v1/chat/completions", Http.chat("a b c", true));

        assertEquals(7, events(res.body()).size(), "role, 4 pieces, finish, [DONE]");
        assertTrue(System.nanoTime() - start >= 6 * 50_000_000L, "6 pauses between 7 events");
    }

    @Test
    void requestsAreRecordedWithLowerCaseHeaders() {
        Http.send(Http.request(mock, "/v1/chat/completions?api-version=1").header("Content-Type", "application/json")
                .header("X-Custom-Trace", "abc").header("Authorization", "Bearer sk-test-1234")
                .POST(HttpRequest.BodyPublishers.ofString(Http.chat("recorded", false))).build());
        get(mock, "/v1/models");

        assertEquals(2, mock.requestCount());
        List<RecordedRequest> requests = mock.requests();
        assertEquals(2, requests.size());
        RecordedRequest first = requests.getFirst();
        assertEquals("POST", first.method());
        assertEquals("/v1/chat/completions?api-version=1", first.path());
        assertEquals(Optional.of("abc"), first.header("x-custom-trace"));
        assertEquals(Optional.of("abc"), first.header("X-Custom-Trace"));
        assertTrue(first.headers().containsKey("x-custom-trace"));
        assertEquals(Optional.of("Bearer sk-test-1234"), first.header("authorization"));
        assertEquals(Http.chat("recorded", false), first.body());
        assertEquals(Optional.of("recorded"), first.jsonValue("/messages/0/content"));
        assertEquals(Optional.of("false"), first.jsonValue("/stream"));
        assertEquals(Optional.empty(), first.jsonValue("/nope"));
        assertFalse(first.toString().contains("sk-test"), "toString shows no headers");
        assertEquals("GET", mock.lastRequest().orElseThrow().method());
        assertEquals("", mock.lastRequest().orElseThrow().body());
        assertEquals(Optional.empty(), mock.lastRequest().orElseThrow().jsonValue("/x"));

        mock.clearRequests();
        assertTrue(mock.requests().isEmpty());
        assertEquals(2, mock.requestCount());
    }

    @Test
    void recordLimitKeepsTheMostRecentRequests() {
        try (MockOpenAiServer limited = MockOpenAiServer.builder().recordLimit(2).start();
             MockOpenAiServer none = MockOpenAiServer.builder().recordLimit(0).start()) {
            for (int i = 0; i < 3; i++) {
                post(limited, "/v1/chat/completions", Http.chat("n" + i, false));
                post(none, "/v1/chat/completions", Http.chat("n" + i, false));
            }
            assertEquals(List.of("n1", "n2"), limited.requests().stream()
                    .map(r -> r.jsonValue("/messages/0/content").orElseThrow()).toList());
            assertTrue(none.requests().isEmpty());
            assertEquals(3, none.requestCount());
        }
    }

    @Test
    void apiKeyCanBeRequired() {
        String key = "sk-proj-abcdefghijklmnopqrstuvwxyz0123";
        try (MockOpenAiServer secured = MockOpenAiServer.builder().apiKey(key).start()) {
            HttpResponse<String> none = post(secured, "/v1/chat/completions", Http.chat("x", false));
            HttpResponse<String> wrong = Http.send(Http.request(secured, "/v1/chat/completions")
                    .header("Authorization", "Bearer sk-proj-wrongwrongwrongwrongwrong9876")
                    .POST(HttpRequest.BodyPublishers.ofString(Http.chat("x", false))).build());
            HttpResponse<String> right = Http.send(Http.request(secured, "/v1/chat/completions")
                    .header("Authorization", "Bearer " + key)
                    .POST(HttpRequest.BodyPublishers.ofString(Http.chat("x", false))).build());

            assertEquals(401, none.statusCode());
            assertTrue(json(none.body()).path("error").path("message").asText()
                    .startsWith("You didn't provide an API key."));
            assertEquals(401, wrong.statusCode());
            JsonNode error = json(wrong.body()).path("error");
            assertEquals("invalid_api_key", error.path("code").asText());
            assertTrue(error.path("message").asText().startsWith("Incorrect API key provided: sk-*"),
                    error.toString());
            assertTrue(error.path("message").asText().contains("9876"));
            assertFalse(error.path("message").asText().contains("wrongwrong"), "the key is masked");
            assertEquals(200, right.statusCode());
        }
    }

    @Test
    void baseUrlPortAndFixedPort() throws Exception {
        assertEquals("http://127.0.0.1:" + mock.port() + "/v1", mock.baseUrl());
        assertEquals("127.0.0.1", mock.host());
        assertTrue(mock.port() > 0);
        int free;
        try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            free = probe.getLocalPort();
        }
        try (MockOpenAiServer fixed = MockOpenAiServer.start(free)) {
            assertEquals(free, fixed.port());
            assertEquals(200, get(fixed, "/v1/models").statusCode());
        }
    }

    @Test
    void behaviorsAreConsumedExactlyOnceUnderConcurrency() throws Exception {
        for (int i = 0; i < 16; i++) {
            mock.enqueue(MockBehavior.status(503));
        }
        List<Future<Integer>> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            for (int i = 0; i < 40; i++) {
                results.add(pool.submit(() -> post(mock, "/v1/chat/completions", Http.chat("c", false))
                        .statusCode()));
            }
        }
        int failed = 0;
        for (Future<Integer> f : results) {
            int status = f.get();
            assertTrue(status == 200 || status == 503, "status " + status);
            failed += status == 503 ? 1 : 0;
        }
        assertEquals(16, failed);
        assertEquals(0, mock.pendingBehaviors());
        assertEquals(40, mock.requestCount());
    }
}
