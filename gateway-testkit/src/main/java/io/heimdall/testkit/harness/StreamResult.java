package io.heimdall.testkit.harness;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A streamed answer read to its end.
 *
 * @param status the HTTP status
 * @param body   the raw body
 * @param events the data of each SSE event, {@code [DONE]} included
 */
public record StreamResult(int status, String body, List<String> events) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Validates and copies. */
    public StreamResult {
        events = List.copyOf(events);
    }

    /** Splits an answer into its SSE events. */
    public static StreamResult of(HttpResult response) {
        List<String> events = new ArrayList<>();
        for (String line : response.body().split("\n")) {
            if (line.startsWith("data:")) {
                events.add(line.substring(5).strip());
            }
        }
        return new StreamResult(response.status(), response.body(), events);
    }

    /** The {@code delta.content} of each chunk of choice 0, in order (empty strings for chunks without text). */
    public List<String> contents() {
        List<String> out = new ArrayList<>();
        for (JsonNode chunk : chunks()) {
            JsonNode choices = chunk.path("choices");
            if (choices.size() > 0) {
                out.add(choices.get(0).path("delta").path("content").asText(""));
            }
        }
        return out;
    }

    /** The streamed text of choice 0. */
    public String text() {
        return String.join("", contents());
    }

    /** Whether the stream ended with {@code [DONE]}. */
    public boolean done() {
        return !events.isEmpty() && events.getLast().equals("[DONE]");
    }

    /** The error event's {@code error} object, if the stream ended with one. */
    public Optional<JsonNode> error() {
        return chunks().stream().filter(c -> c.has("error")).map(c -> c.get("error")).findFirst();
    }

    /** Every event but {@code [DONE]} as JSON. */
    public List<JsonNode> chunks() {
        List<JsonNode> out = new ArrayList<>();
        for (String e : events) {
            if (!e.equals("[DONE]")) {
                try {
                    out.add(JSON.readTree(e));
                } catch (IOException ex) {
                    throw new UncheckedIOException(ex);
                }
            }
        }
        return out;
    }
}
