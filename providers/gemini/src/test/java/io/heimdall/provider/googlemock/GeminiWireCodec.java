package io.heimdall.provider.googlemock;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.heimdall.api.model.Usage;
import io.heimdall.testkit.tck.Reply;
import io.heimdall.testkit.tck.SeenMessage;
import io.heimdall.testkit.tck.SeenRequest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Gemini REST wire format as the mock speaks it, written from Google's API reference: routes, the request decoded
 * into neutral terms, and {@link Reply}s rendered as {@code GenerateContentResponse} JSON, SSE events and
 * {@code google.rpc.Status} error bodies.
 */
final class GeminiWireCodec {
    static final Reply DEFAULT = new Reply.Text(List.of("ok"), "stop", Usage.of(1, 1));
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern GEMINI = Pattern.compile(
            "/v1beta/models/([^/:?]+):(generateContent|streamGenerateContent|embedContent|batchEmbedContents)"
                    + "(\\?.*)?");
    private static final Pattern VERTEX = Pattern.compile("/v1/projects/([^/]+)/locations/([^/]+)/publishers/google"
            + "/models/([^/:?]+):(generateContent|streamGenerateContent|predict)(\\?.*)?");

    enum Kind { GENERATE, STREAM, EMBED, BATCH_EMBED, PREDICT, MODELS, PUBLISHER_MODELS, UNKNOWN }

    record Route(Kind kind, String model) {
    }

    /** What to write: a JSON body, or SSE events (cut: the stream ends without its final chunk). */
    record Answer(int status, Map<String, String> headers, String body, List<String> events, boolean cut) {
    }

    private GeminiWireCodec() {
    }

    static Route route(GoogleMock.Dialect dialect, String method, String path) {
        if (dialect == GoogleMock.Dialect.GEMINI && method.equals("GET") && path.matches("/v1beta/models(\\?.*)?")) {
            return new Route(Kind.MODELS, "");
        }
        if (dialect == GoogleMock.Dialect.VERTEX && method.equals("GET")
                && path.matches("/v1beta1/publishers/google/models(\\?.*)?")) {
            // the "model" of a publisher model listing is its query: the page token picks the page
            int q = path.indexOf('?');
            return new Route(Kind.PUBLISHER_MODELS, q < 0 ? "" : path.substring(q + 1));
        }
        Matcher m = (dialect == GoogleMock.Dialect.GEMINI ? GEMINI : VERTEX).matcher(path);
        if (!method.equals("POST") || !m.matches()) {
            return new Route(Kind.UNKNOWN, "");
        }
        int g = dialect == GoogleMock.Dialect.GEMINI ? 1 : 3;
        String query = m.group(g + 2) == null ? "" : m.group(g + 2);
        Kind kind = switch (m.group(g + 1)) {
            case "generateContent" -> Kind.GENERATE;
            case "streamGenerateContent" -> query.contains("alt=sse") ? Kind.STREAM : Kind.UNKNOWN;
            case "embedContent" -> Kind.EMBED;
            case "batchEmbedContents" -> Kind.BATCH_EMBED;
            default -> Kind.PREDICT;
        };
        return new Route(kind, m.group(g));
    }

    // ------------------------------------------------------------------ requests

    static SeenRequest decode(String method, String path, Map<String, List<String>> headers, Route route,
                              String body, boolean callIds) {
        JsonNode root = parse(body.isEmpty() ? "{}" : body);
        StringBuilder system = new StringBuilder();
        for (JsonNode p : either(root, "systemInstruction", "system_instruction").path("parts")) {
            if (!system.isEmpty()) {
                system.append('\n');
            }
            system.append(p.path("text").asText(""));
        }
        List<SeenMessage> messages = new ArrayList<>();
        for (JsonNode content : root.path("contents")) {
            messages.addAll(messages(content, callIds));
        }
        List<String> tools = new ArrayList<>();
        for (JsonNode tool : root.path("tools")) {
            for (JsonNode d : either(tool, "functionDeclarations", "function_declarations")) {
                tools.add(d.path("name").asText());
            }
        }
        JsonNode fcc = either(either(root, "toolConfig", "tool_config"), "functionCallingConfig",
                "function_calling_config");
        String toolChoice = switch (fcc.path("mode").asText("")) {
            case "AUTO" -> "auto";
            case "NONE" -> "none";
            case "ANY", "VALIDATED" -> {
                JsonNode names = either(fcc, "allowedFunctionNames", "allowed_function_names");
                yield names.size() == 1 ? names.get(0).asText() : "required";
            }
            default -> "";
        };
        JsonNode g = either(root, "generationConfig", "generation_config");
        List<String> stop = new ArrayList<>();
        either(g, "stopSequences", "stop_sequences").forEach(s -> stop.add(s.asText()));
        String mime = either(g, "responseMimeType", "response_mime_type").asText("");
        String format = !mime.equals("application/json") ? ""
                : g.has("responseSchema") || g.has("responseJsonSchema") || g.has("response_schema")
                || g.has("response_json_schema") ? "json_schema" : "json_object";
        return new SeenRequest(method, path, headers, route.model(), system.toString(), messages, tools, toolChoice,
                number(g, "temperature", "temperature"), number(g, "topP", "top_p"),
                number(g, "maxOutputTokens", "max_output_tokens").map(Double::intValue), stop,
                route.kind() == Kind.STREAM, format, body);
    }

    /** Whether a request body has a function call or response carrying an {@code id}. */
    static boolean hasCallIds(String body) {
        for (JsonNode content : parse(body.isEmpty() ? "{}" : body).path("contents")) {
            for (JsonNode part : content.path("parts")) {
                if (either(part, "functionCall", "function_call").has("id")
                        || either(part, "functionResponse", "function_response").has("id")) {
                    return true;
                }
            }
        }
        return false;
    }

    private static List<SeenMessage> messages(JsonNode content, boolean callIds) {
        boolean model = content.path("role").asText("user").equals("model");
        List<SeenMessage> out = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        List<String> calls = new ArrayList<>();
        int images = 0;
        boolean open = false;
        for (JsonNode part : content.path("parts")) {
            JsonNode fr = either(part, "functionResponse", "function_response");
            if (!fr.isMissingNode()) {
                if (open) {
                    out.add(new SeenMessage("user", text.toString(), List.of(), "", images));
                    text.setLength(0);
                    images = 0;
                    open = false;
                }
                JsonNode response = fr.path("response");
                String result = response.size() == 1 && response.path("output").isTextual()
                        ? response.path("output").asText() : response.toString();
                out.add(new SeenMessage("tool", result, List.of(), callIds && fr.has("id") ? fr.path("id").asText()
                        : fr.path("name").asText(), 0));
                continue;
            }
            open = true;
            JsonNode fc = either(part, "functionCall", "function_call");
            if (!fc.isMissingNode()) {
                calls.add(callIds && fc.has("id") ? fc.path("id").asText() : fc.path("name").asText());
            } else if (part.has("text") && !part.path("thought").asBoolean(false)) {
                text.append(part.path("text").asText());
            } else if (!either(part, "inlineData", "inline_data").isMissingNode()
                    || !either(part, "fileData", "file_data").isMissingNode()) {
                images++;
            }
        }
        if (open) {
            out.add(new SeenMessage(model ? "assistant" : "user", text.toString(), calls, "", images));
        }
        return out;
    }

    // ------------------------------------------------------------------ replies

    /** Renders a scripted reply; null for a dropped connection. */
    static Answer render(Reply reply, boolean stream, String model, boolean callIds, GoogleMock.Dialect dialect) {
        String responseId = UUID.randomUUID().toString().replace("-", "").substring(0, 22);
        return switch (reply) {
            case Reply.Drop d -> null;
            case Reply.Failure f -> failure(f.kind(), f.message(), f.retryAfter(), dialect);
            case Reply.Text t -> {
                List<ObjectNode> parts = new ArrayList<>();
                if (!stream) {
                    parts.add(textPart(String.join("", t.pieces())));
                } else {
                    t.pieces().forEach(p -> parts.add(textPart(p)));
                    if (parts.isEmpty()) {
                        parts.add(textPart(""));
                    }
                }
                yield answer(parts, finish(t.finishReason()), t.usage(), stream, model, responseId, dialect);
            }
            case Reply.ToolCalls tc -> {
                List<ObjectNode> parts = new ArrayList<>();
                if (tc.text() != null && !tc.text().isEmpty()) {
                    parts.add(textPart(tc.text()));
                }
                for (Reply.ToolCalls.Call call : tc.calls()) {
                    ObjectNode part = JSON.createObjectNode();
                    ObjectNode fc = part.putObject("functionCall");
                    fc.put("name", call.name());
                    fc.set("args", parse(String.join("", call.argumentFragments())));
                    if (callIds) {
                        fc.put("id", call.id());
                    }
                    parts.add(part);
                }
                yield answer(parts, "STOP", tc.usage(), stream, model, responseId, dialect);
            }
            case Reply.StreamFailure sf -> {
                List<String> events = new ArrayList<>();
                if (!sf.textBefore().isEmpty()) {
                    events.add(event(response(List.of(textPart(sf.textBefore())), null, null, model, responseId,
                            dialect)));
                }
                Answer error = failure(sf.kind(), sf.message(), Optional.empty(), dialect);
                events.add("data: " + compact(parse(error.body())) + "\r\n\r\n");
                yield new Answer(200, Map.of(), null, events, false);
            }
        };
    }

    private static Answer answer(List<ObjectNode> parts, String finish, Usage usage, boolean stream, String model,
                                 String responseId, GoogleMock.Dialect dialect) {
        if (!stream) {
            return new Answer(200, Map.of(), pretty(response(parts, finish, usage, model, responseId, dialect)), null,
                    false);
        }
        List<String> events = new ArrayList<>();
        for (int i = 0; i < parts.size(); i++) {
            boolean last = i == parts.size() - 1;
            events.add(event(response(List.of(parts.get(i)), last ? finish : null, last ? usage : null, model,
                    responseId, dialect)));
        }
        return new Answer(200, Map.of(), null, events, false);
    }

    private static ObjectNode response(List<ObjectNode> parts, String finish, Usage usage, String model,
                                       String responseId, GoogleMock.Dialect dialect) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode cand = root.putArray("candidates").addObject();
        ObjectNode content = cand.putObject("content");
        ArrayNode ps = content.putArray("parts");
        parts.forEach(ps::add);
        content.put("role", "model");
        if (finish != null) {
            cand.put("finishReason", finish);
        }
        cand.put("index", 0);
        if (usage != null) {
            ObjectNode u = root.putObject("usageMetadata");
            long reasoning = usage.reasoningTokens().orElse(0L);
            u.put("promptTokenCount", usage.promptTokens());
            u.put("candidatesTokenCount", usage.completionTokens() - reasoning);
            u.put("totalTokenCount", usage.totalTokens());
            usage.cachedTokens().ifPresent(c -> u.put("cachedContentTokenCount", c));
            usage.reasoningTokens().ifPresent(r -> u.put("thoughtsTokenCount", r));
            ObjectNode details = u.putArray("promptTokensDetails").addObject();
            details.put("modality", "TEXT");
            details.put("tokenCount", usage.promptTokens());
            if (dialect == GoogleMock.Dialect.VERTEX) {
                u.put("trafficType", "ON_DEMAND");
            }
        }
        root.put("modelVersion", model);
        if (dialect == GoogleMock.Dialect.VERTEX) {
            root.put("createTime", "2026-11-30T03:00:00.000000Z");
        }
        root.put("responseId", responseId);
        return root;
    }

    private static ObjectNode textPart(String text) {
        ObjectNode p = JSON.createObjectNode();
        p.put("text", text);
        return p;
    }

    private static String finish(String reason) {
        return switch (reason) {
            case "length" -> "MAX_TOKENS";
            case "content_filter" -> "SAFETY";
            default -> "STOP";
        };
    }

    private static Answer failure(Reply.Kind kind, String message, Optional<Duration> retryAfter,
                                  GoogleMock.Dialect dialect) {
        if (kind == Reply.Kind.AUTHENTICATION && dialect == GoogleMock.Dialect.GEMINI) {
            // AI Studio answers a bad API key with 400 INVALID_ARGUMENT and the reason in an ErrorInfo detail
            Answer a = error(400, "INVALID_ARGUMENT", message, null);
            ObjectNode root = (ObjectNode) parse(a.body());
            ObjectNode info = ((ObjectNode) root.path("error")).putArray("details").addObject();
            info.put("@type", "type.googleapis.com/google.rpc.ErrorInfo");
            info.put("reason", "API_KEY_INVALID");
            info.put("domain", "googleapis.com");
            return new Answer(400, Map.of(), pretty(root), null, false);
        }
        return switch (kind) {
            case RATE_LIMITED -> error(429, "RESOURCE_EXHAUSTED", message, retryAfter.orElse(null));
            case OVERLOADED -> error(503, "UNAVAILABLE", message, null);
            case AUTHENTICATION -> error(401, "UNAUTHENTICATED", message, null);
            case PERMISSION -> error(403, "PERMISSION_DENIED", message, null);
            case CONTEXT_TOO_LONG -> error(400, "INVALID_ARGUMENT", "The input token count (1200000) exceeds the "
                    + "maximum number of tokens allowed (1048576). " + message, null);
            case BAD_REQUEST -> error(400, "INVALID_ARGUMENT", message, null);
            case NOT_FOUND -> error(404, "NOT_FOUND", message, null);
            case SERVER_ERROR -> error(500, "INTERNAL", message, null);
        };
    }

    /** A {@code google.rpc.Status} error body, pretty-printed as Google serves it. */
    static Answer error(int code, String status, String message, Duration retryDelay) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode e = root.putObject("error");
        e.put("code", code);
        e.put("message", message);
        e.put("status", status);
        if (retryDelay != null) {
            ObjectNode info = e.putArray("details").addObject();
            info.put("@type", "type.googleapis.com/google.rpc.RetryInfo");
            long ms = retryDelay.toMillis();
            info.put("retryDelay", ms % 1000 == 0 ? ms / 1000 + "s" : (ms / 1000.0) + "s");
        }
        return new Answer(code, Map.of(), pretty(root), null, false);
    }

    // ------------------------------------------------------------------ embeddings and models

    static Answer serveOther(Route route, String body, GoogleMock.Dialect dialect) {
        JsonNode req = parse(body.isEmpty() ? "{}" : body);
        ObjectNode root = JSON.createObjectNode();
        switch (route.kind()) {
            case EMBED -> root.putObject("embedding").set("values", vector(text(req.path("content")), req));
            case BATCH_EMBED -> {
                ArrayNode list = root.putArray("embeddings");
                for (JsonNode r : req.path("requests")) {
                    list.addObject().set("values", vector(text(r.path("content")), r));
                }
            }
            case PREDICT -> {
                ArrayNode predictions = root.putArray("predictions");
                for (JsonNode instance : req.path("instances")) {
                    String text = instance.path("content").asText("");
                    ObjectNode emb = predictions.addObject().putObject("embeddings");
                    ObjectNode stats = emb.putObject("statistics");
                    stats.put("truncated", false);
                    stats.put("token_count", text.isBlank() ? 0 : text.strip().split("\\s+").length);
                    emb.set("values", vector(text, req.path("parameters")));
                }
                root.putObject("metadata").put("billableCharacterCount", 10);
            }
            case MODELS -> {
                ArrayNode models = root.putArray("models");
                for (String m : List.of("gemini-2.5-flash", "gemini-2.5-pro", "text-embedding-004")) {
                    ObjectNode model = models.addObject();
                    model.put("name", "models/" + m);
                    model.put("version", "001");
                    model.put("displayName", m);
                }
            }
            case PUBLISHER_MODELS -> {
                // ListPublisherModelsResponse (Vertex AI v1beta1 REST reference), two pages
                boolean second = route.model().contains("pageToken=page-2");
                ArrayNode models = root.putArray("publisherModels");
                for (String m : second ? List.of("text-embedding-005", "chirp-2")
                        : List.of("gemini-2.0-flash", "imagen-3.0-generate-002", "gemini-2.5-pro")) {
                    ObjectNode model = models.addObject();
                    model.put("name", "publishers/google/models/" + m);
                    model.put("versionId", "001");
                    model.put("openSourceCategory", "PROPRIETARY");
                    model.put("launchStage", "GA");
                }
                if (!second) {
                    root.put("nextPageToken", "page-2");
                }
            }
            default -> {
                return error(404, "NOT_FOUND", "not found", null);
            }
        }
        return new Answer(200, Map.of(), pretty(root), null, false);
    }

    private static String text(JsonNode content) {
        StringBuilder sb = new StringBuilder();
        content.path("parts").forEach(p -> sb.append(p.path("text").asText("")));
        return sb.toString();
    }

    /** A deterministic unit-free vector from the text: 4 dimensions unless outputDimensionality says otherwise. */
    private static ArrayNode vector(String text, JsonNode params) {
        int dims = params.path("outputDimensionality").asInt(4);
        ArrayNode values = JSON.createArrayNode();
        int h = text.hashCode();
        for (int i = 0; i < dims; i++) {
            values.add(((h >>> (i % 32)) & 0xff) / 256.0 - 0.5);
        }
        return values;
    }

    // ------------------------------------------------------------------ JSON

    private static String event(ObjectNode response) {
        return "data: " + compact(response) + "\r\n\r\n";
    }

    private static JsonNode parse(String s) {
        try {
            return JSON.readTree(s);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + s, e);
        }
    }

    private static JsonNode either(JsonNode node, String camel, String snake) {
        JsonNode v = node.path(camel);
        return v.isMissingNode() ? node.path(snake) : v;
    }

    private static Optional<Double> number(JsonNode node, String camel, String snake) {
        JsonNode v = either(node, camel, snake);
        return v.isNumber() ? Optional.of(v.asDouble()) : Optional.empty();
    }

    private static String pretty(JsonNode node) {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String compact(JsonNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
