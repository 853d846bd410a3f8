package io.heimdall.plugin.mcp;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/** A small HTTP client for the tests, and JSON and SSE helpers. */
final class Http {
    static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private Http() {
    }

    /** Sends a request; {@code headers} are name, value pairs. */
    static HttpResponse<String> send(String method, String url, String body, String... headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("content-type", "application/json");
        }
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The exposed tool names {@code GET /v1/mcp/tools} lists; {@code headers} are name, value pairs. */
    static List<String> toolNames(String baseUrl, String... headers) {
        try {
            JsonNode body = json(send("GET", baseUrl + "/v1/mcp/tools", null, headers).body());
            List<String> names = new ArrayList<>();
            body.get("tools").forEach(t -> names.add(t.get("function").get("name").stringValue()));
            return names;
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Parses JSON. */
    static JsonNode json(String text) {
        return JSON.readTree(text);
    }

    /** The data of each SSE event of a body, without {@code [DONE]}. */
    static List<JsonNode> events(String body) {
        List<JsonNode> out = new ArrayList<>();
        for (String line : body.split("\n")) {
            if (line.startsWith("data: ") && !line.equals("data: [DONE]")) {
                out.add(JSON.readTree(line.substring(6)));
            }
        }
        return out;
    }

    /** Waits for a condition, at most {@code within}. */
    static boolean await(BooleanSupplier condition, Duration within) throws InterruptedException {
        long end = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < end) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(50);
        }
        return condition.getAsBoolean();
    }

    /** An OpenAI stream whose one turn asks for these tool calls: name, arguments pairs. */
    static String toolCallStream(String... calls) {
        StringBuilder deltas = new StringBuilder();
        for (int i = 0; i < calls.length; i += 2) {
            if (i > 0) {
                deltas.append(',');
            }
            deltas.append("{\"index\":").append(i / 2).append(",\"id\":\"call_").append(i / 2)
                    .append("\",\"type\":\"function\",\"function\":{\"name\":\"").append(calls[i])
                    .append("\",\"arguments\":").append(JSON.writeValueAsString(calls[i + 1])).append("}}");
        }
        String head = "{\"id\":\"chatcmpl-t\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o-mini\","
                + "\"choices\":[{\"index\":0,";
        return "data: " + head + "\"delta\":{\"role\":\"assistant\",\"tool_calls\":[" + deltas + "]},"
                + "\"finish_reason\":null}]}\n\n"
                + "data: " + head + "\"delta\":{},\"finish_reason\":\"tool_calls\"}]}\n\n"
                + "data: [DONE]\n\n";
    }
}
