package io.heimdall.provider.anthropic;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import io.heimdall.testkit.tck.SeenRequest;
import io.heimdall.testkit.tck.SeenMessage;

/** Decodes a Messages API request body back into provider-neutral terms. */
final class SeenDecoder {
    private SeenDecoder() {
    }

    static SeenRequest decode(LoopbackHttp.Request request, JsonNode root, String body) {
        List<SeenMessage> messages = new ArrayList<>();
        for (JsonNode m : root.path("messages")) {
            messages.addAll(message(m));
        }
        List<String> tools = new ArrayList<>();
        root.path("tools").forEach(t -> tools.add(t.path("name").asText()));
        JsonNode choice = root.path("tool_choice");
        String toolChoice = switch (choice.path("type").asText("")) {
            case "auto" -> "auto";
            case "any" -> "required";
            case "none" -> "none";
            case "tool" -> choice.path("name").asText();
            default -> "";
        };
        List<String> stop = new ArrayList<>();
        root.path("stop_sequences").forEach(s -> stop.add(s.asText()));
        String format = root.path("output_config").path("format").path("type").asText("");
        if (format.isEmpty() && toolChoice.equals("json_response")) {
            format = "json_object";
        }
        return new SeenRequest(request.method(), request.path(), request.headers(), root.path("model").asText(""),
                text(root.path("system")), messages, tools, toolChoice, number(root, "temperature"),
                number(root, "top_p"),
                root.has("max_tokens") ? Optional.of(root.get("max_tokens").asInt()) : Optional.empty(), stop,
                root.path("stream").asBoolean(false), format, body);
    }

    /** One native message; each tool_result block is a message of its own, role tool. */
    private static List<SeenMessage> message(JsonNode m) {
        String role = m.path("role").asText();
        JsonNode content = m.path("content");
        if (content.isTextual()) {
            return List.of(new SeenMessage(role, content.asText(), List.of(), "", 0));
        }
        List<SeenMessage> out = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        List<String> calls = new ArrayList<>();
        int images = 0;
        for (JsonNode block : content) {
            switch (block.path("type").asText()) {
                case "text" -> text.append(block.path("text").asText());
                case "image" -> images++;
                case "tool_use" -> calls.add(block.path("id").asText());
                case "tool_result" -> out.add(new SeenMessage("tool", text(block.path("content")), List.of(),
                        block.path("tool_use_id").asText(), 0));
                default -> {
                    // thinking and other blocks are not compared
                }
            }
        }
        if (!text.isEmpty() || !calls.isEmpty() || images > 0 || out.isEmpty()) {
            out.add(new SeenMessage(role, text.toString(), calls, "", images));
        }
        return out;
    }

    /** A string, or the text blocks of an array joined. */
    private static String text(JsonNode node) {
        if (node.isTextual()) {
            return node.asText();
        }
        StringBuilder sb = new StringBuilder();
        for (JsonNode block : node) {
            if (block.path("type").asText().equals("text")) {
                sb.append(block.path("text").asText());
            }
        }
        return sb.toString();
    }

    private static Optional<Double> number(JsonNode root, String field) {
        return root.hasNonNull(field) ? Optional.of(root.get(field).asDouble()) : Optional.empty();
    }
}
