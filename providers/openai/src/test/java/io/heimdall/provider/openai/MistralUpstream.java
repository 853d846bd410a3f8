package io.heimdall.provider.openai;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A mock of Mistral's API where it differs from OpenAI's, written from docs.mistral.ai's API reference and the
 * 422 bodies Mistral's schema validation sends: unknown fields (OpenAI's {@code seed}, {@code stream_options},
 * {@code user}, {@code max_completion_tokens}, message {@code name}) are a 422 {@code extra_forbidden}; tool call ids
 * that are not 9 letters or digits are a 400; answers carry 9-character tool call ids; a stream sends each tool call
 * whole in one delta and puts the usage on the chunk with the finish reason. Use as a {@link RawServer} handler.
 */
final class MistralUpstream {
    /** Top-level fields of OpenAI's that Mistral's schema forbids, as they appear in a request body. */
    static final List<String> FORBIDDEN = List.of("seed", "stream_options", "user", "max_completion_tokens",
            "logit_bias", "service_tier", "modalities");

    private static final Pattern IDS = Pattern.compile("\"(?:tool_call_id|id)\":\"([^\"]*)\"");
    private static final Pattern USER_TEXT = Pattern.compile("\"role\":\"user\",\"content\":\"([^\"]*)\"");
    private static final String ID = "cmpl-e5cc70bb28c444948073e77776eb30ef";

    private MistralUpstream() {
    }

    static RawServer.Reply answer(RawServer.Received r) {
        String body = r.body();
        if (r.method().equals("GET") && r.path().equals("/v1/models")) {
            return RawServer.Reply.json(200, "{\"object\":\"list\",\"data\":[{\"id\":\"mistral-small-latest\","
                    + "\"object\":\"model\",\"created\":1711430400,\"owned_by\":\"mistralai\",\"capabilities\":{"
                    + "\"completion_chat\":true,\"function_calling\":true}},{\"id\":\"mistral-embed\",\"object\":"
                    + "\"model\",\"created\":1711430400,\"owned_by\":\"mistralai\"}]}");
        }
        List<String> forbidden = new ArrayList<>();
        for (String f : FORBIDDEN) {
            if (body.contains("\"" + f + "\":")) {
                forbidden.add(f);
            }
        }
        if (body.contains("\"name\":\"alice\"")) {
            forbidden.add("name");
        }
        if (r.path().equals("/v1/embeddings") && body.contains("\"dimensions\":")) {
            forbidden.add("dimensions");
        }
        if (!forbidden.isEmpty()) {
            StringBuilder detail = new StringBuilder();
            for (String f : forbidden) {
                detail.append(detail.isEmpty() ? "" : ",").append("{\"type\":\"extra_forbidden\",\"loc\":[\"body\",\"")
                        .append(f).append("\"],\"msg\":\"Extra inputs are not permitted\"}");
            }
            return RawServer.Reply.json(422, "{\"object\":\"error\",\"message\":{\"detail\":[" + detail + "]},"
                    + "\"type\":\"invalid_request_error\",\"param\":null,\"code\":null}");
        }
        if (r.path().equals("/v1/embeddings")) {
            return RawServer.Reply.json(200, "{\"id\":\"emb-1\",\"object\":\"list\",\"data\":[{\"object\":"
                    + "\"embedding\",\"embedding\":[0.1,-0.2,0.3],\"index\":0}],\"model\":\"mistral-embed\","
                    + "\"usage\":{\"prompt_tokens\":2,\"total_tokens\":2,\"completion_tokens\":0}}");
        }
        Matcher ids = IDS.matcher(body);
        while (ids.find()) {
            if (!ids.group(1).matches("[A-Za-z0-9]{9}")) {
                return RawServer.Reply.json(400, "{\"object\":\"error\",\"message\":\"Tool call id was "
                        + ids.group(1) + " but must be a-z, A-Z, 0-9, with a length of 9.\",\"type\":"
                        + "\"invalid_request_message_tool_call_id\",\"param\":null,\"code\":\"3230\"}");
            }
        }
        Matcher user = USER_TEXT.matcher(body);
        String text = "Echo: ";
        while (user.find()) {
            text = "Echo: " + user.group(1);
        }
        boolean tool = body.contains("\"tools\":") && !body.contains("\"tool_choice\":\"none\"")
                && !body.contains("\"role\":\"tool\"");
        boolean stream = body.contains("\"stream\":true");
        String usage = "\"usage\":{\"prompt_tokens\":12,\"total_tokens\":15,\"completion_tokens\":3}";
        String call = "{\"id\":\"D681PevKs\",\"type\":\"function\",\"function\":{\"name\":\"lookup\","
                + "\"arguments\":\"{\\\"query\\\": \\\"weather\\\"}\"},\"index\":0}";
        String head = "{\"id\":\"" + ID + "\",\"object\":\"chat.completion.chunk\",\"created\":1702256327,"
                + "\"model\":\"mistral-small-latest\",\"choices\":[{\"index\":0,\"delta\":";
        if (stream) {
            List<String> events = new ArrayList<>();
            events.add("data: " + head + "{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}\n\n");
            if (tool) {
                events.add("data: " + head + "{\"tool_calls\":[" + call + "]},\"finish_reason\":\"tool_calls\"}],"
                        + usage + "}\n\n");
            } else {
                for (String word : text.split("(?<= )")) {
                    events.add("data: " + head + "{\"content\":\"" + word + "\"},\"finish_reason\":null}]}\n\n");
                }
                events.add("data: " + head + "{\"content\":\"\"},\"finish_reason\":\"stop\"}]," + usage + "}\n\n");
            }
            events.add("data: [DONE]\n\n");
            return new RawServer.Reply(200, Map.of("Content-Type", "text/event-stream"), events, false);
        }
        String message = tool
                ? "{\"role\":\"assistant\",\"content\":\"\",\"tool_calls\":[" + call + "],\"prefix\":false}"
                : "{\"role\":\"assistant\",\"content\":\"" + text + "\",\"tool_calls\":null,\"prefix\":false}";
        return RawServer.Reply.json(200, "{\"id\":\"" + ID + "\",\"object\":\"chat.completion\",\"created\":"
                + "1702256327,\"model\":\"mistral-small-latest\",\"choices\":[{\"index\":0,\"message\":" + message
                + ",\"finish_reason\":\"" + (tool ? "tool_calls" : "stop") + "\"}]," + usage + "}");
    }
}
