package io.heimdall.provider.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.heimdall.api.model.Usage;
import io.heimdall.testkit.LoopbackServer;
import io.heimdall.testkit.tck.NativeUpstream;
import io.heimdall.testkit.tck.Reply;
import io.heimdall.testkit.tck.SeenMessage;
import io.heimdall.testkit.tck.SeenRequest;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A mock Bedrock Runtime endpoint on 127.0.0.1 speaking Converse and ConverseStream as the AWS API reference
 * describes them: JSON bodies, {@code x-amzn-RequestId} and {@code x-amzn-ErrorType} headers, {@code {"message"}}
 * error bodies, and ConverseStream answers as {@code application/vnd.amazon.eventstream} frames with real CRCs. It
 * checks every request's SigV4 {@code Authorization} header by recomputing the signature with
 * {@link SigV4Reference} and answers 403 {@code InvalidSignatureException} (as AWS does) when it does not match.
 */
public final class BedrockUpstream implements NativeUpstream {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern PATH = Pattern.compile("/model/([^/]+)/(converse|converse-stream|invoke)");
    private static final Pattern AUTH = Pattern.compile("AWS4-HMAC-SHA256 Credential=([^/]+)/(\\d{8})/([^/]+)/"
            + "([^/]+)/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})");

    private final LoopbackServer server;
    private final String accessKeyId;
    private final String secret;
    private final String region;
    private final ConcurrentLinkedQueue<Reply> queue = new ConcurrentLinkedQueue<>();
    private final List<SeenRequest> seen = new CopyOnWriteArrayList<>();
    private final List<String> signatureProblems = new CopyOnWriteArrayList<>();
    private final AtomicInteger signed = new AtomicInteger();
    private final List<Map<String, List<String>>> listings = new CopyOnWriteArrayList<>();
    private volatile int listingStatus = 200;
    private volatile String listingBody = "{\"modelSummaries\":[]}";

    /** Starts the mock; requests must be signed for {@code region} with the given credentials. */
    BedrockUpstream(String accessKeyId, String secret, String region) {
        this.accessKeyId = accessKeyId;
        this.secret = secret;
        this.region = region;
        server = LoopbackServer.start(this::serve);
    }

    @Override
    public String baseUrl() {
        return "http://127.0.0.1:" + server.port();
    }

    @Override
    public void enqueue(Reply reply) {
        queue.add(reply);
    }

    @Override
    public List<SeenRequest> requests() {
        return List.copyOf(seen);
    }

    @Override
    public void reset() {
        queue.clear();
        seen.clear();
        signatureProblems.clear();
    }

    /** Why signatures were refused, since the last reset. */
    List<String> signatureProblems() {
        return List.copyOf(signatureProblems);
    }

    /** How many requests carried a verified SigV4 signature. */
    int verifiedSignatures() {
        return signed.get();
    }

    @Override
    public void close() {
        server.close();
    }

    private void serve(LoopbackServer.Request request, Socket socket) throws IOException {
        Map<String, List<String>> headers = request.headers();
        byte[] body = request.body();
        String[] parts = {request.method(), request.path()};
        OutputStream out = socket.getOutputStream();
        Matcher path = PATH.matcher(parts[1]);
        if (parts[0].equals("GET") && parts[1].equals("/foundation-models")) {
            listFoundationModels(out, headers, body);
            return;
        }
        if (!parts[0].equals("POST") || !path.matches()) {
            error(out, 404, "UnknownOperationException", "no such operation: " + parts[0] + " " + parts[1],
                    Optional.empty());
            return;
        }
        String problem = verifySignature(parts[0], parts[1], headers, body);
        if (problem != null) {
            signatureProblems.add(problem);
            error(out, 403, "InvalidSignatureException", "The request signature we calculated does not match "
                    + "the signature you provided.", Optional.empty());
            return;
        }
        signed.incrementAndGet();
        if (path.group(2).equals("invoke")) {
            invoke(out, body);
            return;
        }
        String model = URLDecoder.decode(path.group(1), StandardCharsets.UTF_8);
        boolean stream = path.group(2).equals("converse-stream");
        seen.add(decode(parts[0], parts[1], headers, model, stream, body));
        Reply reply = Optional.ofNullable(queue.poll()).orElse(new Reply.Text(List.of("ok"), "stop",
                Usage.of(1, 1)));
        answer(out, reply, stream);
    }

    /** Sets what {@code GET /foundation-models} answers: a status and, for 200, a ListFoundationModels body. */
    void listing(int status, String body) {
        listingStatus = status;
        listingBody = body;
    }

    /** The headers of each {@code GET /foundation-models} whose signature verified. */
    List<Map<String, List<String>>> listings() {
        return List.copyOf(listings);
    }

    private void listFoundationModels(OutputStream out, Map<String, List<String>> headers, byte[] body)
            throws IOException {
        String problem = verifySignature("GET", "/foundation-models", headers, body);
        if (problem != null) {
            signatureProblems.add(problem);
            error(out, 403, "InvalidSignatureException", "signature refused: " + problem, Optional.empty());
            return;
        }
        listings.add(headers);
        if (listingStatus != 200) {
            error(out, listingStatus, "AccessDeniedException", "not allowed to list", Optional.empty());
            return;
        }
        json(out, (ObjectNode) JSON.readTree(listingBody));
    }

    private String verifySignature(String method, String rawPath, Map<String, List<String>> headers, byte[] body) {
        Optional<String> auth = first(headers, "authorization");
        if (auth.isEmpty()) {
            return "no authorization header";
        }
        if (auth.get().startsWith("Bearer ")) {
            return null;
        }
        Matcher m = AUTH.matcher(auth.get());
        if (!m.matches()) {
            return "malformed authorization header";
        }
        if (!m.group(1).equals(accessKeyId) || !m.group(3).equals(region) || !m.group(4).equals("bedrock")) {
            return "wrong credential scope " + m.group(1) + "/" + m.group(3) + "/" + m.group(4);
        }
        String amzDate = first(headers, "x-amz-date").orElse("");
        if (!amzDate.startsWith(m.group(2))) {
            return "x-amz-date does not match the scope date";
        }
        List<String> signedNames = List.of(m.group(5).split(";"));
        if (!signedNames.contains("host") || !signedNames.contains("x-amz-date")) {
            return "host and x-amz-date must be signed";
        }
        if (headers.containsKey("x-amz-security-token") && !signedNames.contains("x-amz-security-token")) {
            return "the session token must be signed";
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (String n : signedNames) {
            List<String> v = headers.get(n);
            if (v == null) {
                return "signed header " + n + " is missing";
            }
            values.put(n, String.join(",", v));
        }
        String payloadHash = SigV4Reference.sha256Hex(body);
        if (headers.containsKey("x-amz-content-sha256") && !first(headers, "x-amz-content-sha256").orElse("")
                .equals(payloadHash)) {
            return "x-amz-content-sha256 does not match the body";
        }
        String expected = SigV4Reference.signature(method, rawPath, "", values, payloadHash, amzDate, region,
                "bedrock", secret);
        return expected.equals(m.group(6)) ? null : "signature mismatch";
    }

    /** Decodes a Converse request into neutral terms; a toolResult block is its own message of role tool. */
    private static SeenRequest decode(String method, String path, Map<String, List<String>> headers, String model,
                                      boolean stream, byte[] body) throws IOException {
        JsonNode root = JSON.readTree(body);
        List<String> system = new ArrayList<>();
        for (JsonNode b : root.path("system")) {
            if (b.has("text")) {
                system.add(b.get("text").asText());
            }
        }
        List<SeenMessage> messages = new ArrayList<>();
        for (JsonNode m : root.path("messages")) {
            String role = m.path("role").asText();
            StringBuilder text = new StringBuilder();
            List<String> ids = new ArrayList<>();
            int images = 0;
            for (JsonNode b : m.path("content")) {
                if (b.has("text")) {
                    text.append(b.get("text").asText());
                } else if (b.has("image")) {
                    images++;
                } else if (b.has("toolUse")) {
                    ids.add(b.get("toolUse").path("toolUseId").asText());
                } else if (b.has("toolResult")) {
                    JsonNode r = b.get("toolResult");
                    StringBuilder rt = new StringBuilder();
                    for (JsonNode c : r.path("content")) {
                        rt.append(c.has("text") ? c.get("text").asText() : c.path("json").toString());
                    }
                    messages.add(new SeenMessage("tool", rt.toString(), List.of(), r.path("toolUseId").asText(),
                            0));
                }
            }
            if (!text.isEmpty() || !ids.isEmpty() || images > 0) {
                messages.add(new SeenMessage(role, text.toString(), ids, "", images));
            }
        }
        List<String> tools = new ArrayList<>();
        for (JsonNode t : root.path("toolConfig").path("tools")) {
            if (t.has("toolSpec")) {
                tools.add(t.get("toolSpec").path("name").asText());
            }
        }
        JsonNode choice = root.path("toolConfig").path("toolChoice");
        String toolChoice = choice.has("auto") ? "auto" : choice.has("any") ? "required"
                : choice.has("tool") ? choice.get("tool").path("name").asText() : "";
        JsonNode inference = root.path("inferenceConfig");
        List<String> stop = new ArrayList<>();
        inference.path("stopSequences").forEach(s -> stop.add(s.asText()));
        JsonNode format = root.path("outputConfig").path("textFormat");
        String responseFormat = "";
        if (format.path("type").asText().equals("json_schema")) {
            responseFormat = format.path("structure").path("jsonSchema").path("name").asText().equals("json_object")
                    ? "json_object" : "json_schema";
        }
        return new SeenRequest(method, path, Collections.unmodifiableMap(headers), model, String.join("\n", system),
                messages, tools, toolChoice,
                inference.has("temperature") ? Optional.of(inference.get("temperature").asDouble()) : Optional.empty(),
                inference.has("topP") ? Optional.of(inference.get("topP").asDouble()) : Optional.empty(),
                inference.has("maxTokens") ? Optional.of(inference.get("maxTokens").asInt()) : Optional.empty(),
                stop, stream, responseFormat, new String(body, StandardCharsets.UTF_8));
    }

    private void answer(OutputStream out, Reply reply, boolean stream) throws IOException {
        switch (reply) {
            case Reply.Drop d -> {
                // close without a response
            }
            case Reply.Failure f -> {
                Native n = nativeError(f.kind());
                error(out, n.status, n.type, f.message(), f.retryAfter().map(r -> Long.toString(
                        Math.max(1, r.toSeconds()))));
            }
            case Reply.Text t when !stream -> json(out, converse(text(t.text()), stopReason(t.finishReason()),
                    t.usage()));
            case Reply.ToolCalls c when !stream -> {
                ArrayNode content = JSON.createArrayNode();
                if (c.text() != null && !c.text().isEmpty()) {
                    content.addObject().put("text", c.text());
                }
                for (Reply.ToolCalls.Call call : c.calls()) {
                    ObjectNode use = content.addObject().putObject("toolUse");
                    use.put("toolUseId", call.id());
                    use.put("name", call.name());
                    use.set("input", JSON.readTree(call.arguments()));
                }
                json(out, converse(content, "tool_use", c.usage()));
            }
            case Reply.StreamFailure s when !stream -> {
                Native n = nativeError(s.kind());
                error(out, n.status, n.type, s.message(), Optional.empty());
            }
            default -> stream(out, reply);
        }
    }

    /** InvokeModel for embeddings: Titan ({@code inputText}) or Cohere ({@code texts}) response bodies. */
    private static void invoke(OutputStream out, byte[] body) throws IOException {
        JsonNode root = JSON.readTree(body);
        ObjectNode answer = JSON.createObjectNode();
        int tokens;
        if (root.has("inputText")) {
            String text = root.get("inputText").asText();
            answer.putArray("embedding").add(text.length()).add(0.5).add(-0.25);
            tokens = text.length();
            answer.put("inputTextTokenCount", tokens);
        } else {
            answer.put("id", UUID.randomUUID().toString());
            ArrayNode vectors = answer.putArray("embeddings");
            tokens = 0;
            for (JsonNode t : root.path("texts")) {
                vectors.addArray().add(t.asText().length()).add(root.path("input_type").asText().length());
                tokens += t.asText().length();
            }
            answer.set("texts", root.path("texts"));
            answer.put("response_type", "embeddings_floats");
        }
        byte[] bytes = JSON.writeValueAsBytes(answer);
        out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Amzn-Bedrock-Input-Token-Count: " + tokens
                + "\r\nContent-Length: " + bytes.length + "\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.write(bytes);
        out.flush();
    }

    private void stream(OutputStream out, Reply reply) throws IOException {
        out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/vnd.amazon.eventstream\r\nx-amzn-RequestId: "
                + UUID.randomUUID() + "\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        frame(out, EventStreamFrames.event("messageStart", "{\"p\":\"abcdefghijklmnopqrs\",\"role\":\"assistant\"}"));
        switch (reply) {
            case Reply.Text t -> {
                textBlock(out, 0, t.pieces());
                frame(out, EventStreamFrames.event("messageStop", "{\"p\":\"abcd\",\"stopReason\":\""
                        + stopReason(t.finishReason()) + "\"}"));
                metadata(out, t.usage());
            }
            case Reply.ToolCalls c -> {
                int block = 0;
                if (c.text() != null && !c.text().isEmpty()) {
                    textBlock(out, block++, List.of(c.text()));
                }
                for (Reply.ToolCalls.Call call : c.calls()) {
                    ObjectNode start = JSON.createObjectNode().put("contentBlockIndex", block);
                    start.putObject("start").putObject("toolUse").put("toolUseId", call.id()).put("name", call.name());
                    frame(out, EventStreamFrames.event("contentBlockStart", start.toString()));
                    for (String fragment : call.argumentFragments()) {
                        ObjectNode delta = JSON.createObjectNode().put("contentBlockIndex", block);
                        delta.putObject("delta").putObject("toolUse").put("input", fragment);
                        frame(out, EventStreamFrames.event("contentBlockDelta", delta.toString()));
                    }
                    frame(out, EventStreamFrames.event("contentBlockStop", "{\"contentBlockIndex\":" + block + "}"));
                    block++;
                }
                frame(out, EventStreamFrames.event("messageStop", "{\"stopReason\":\"tool_use\"}"));
                metadata(out, c.usage());
            }
            case Reply.StreamFailure s -> {
                if (!s.textBefore().isEmpty()) {
                    textBlock(out, 0, List.of(s.textBefore()), false);
                }
                String type = nativeError(s.kind()).type;
                String eventType = Character.toLowerCase(type.charAt(0)) + type.substring(1);
                if (s.kind() == Reply.Kind.SERVER_ERROR) {
                    eventType = "modelStreamErrorException";
                }
                frame(out, EventStreamFrames.exception(eventType, JSON.createObjectNode().put("message", s.message())
                        .toString()));
            }
            default -> throw new IllegalStateException("unexpected " + reply);
        }
        out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    private void textBlock(OutputStream out, int block, List<String> pieces) throws IOException {
        textBlock(out, block, pieces, true);
    }

    private void textBlock(OutputStream out, int block, List<String> pieces, boolean stop) throws IOException {
        for (String piece : pieces) {
            ObjectNode delta = JSON.createObjectNode().put("contentBlockIndex", block);
            delta.putObject("delta").put("text", piece);
            delta.put("p", "abcdefgh");
            frame(out, EventStreamFrames.event("contentBlockDelta", delta.toString()));
        }
        if (stop) {
            frame(out, EventStreamFrames.event("contentBlockStop", "{\"contentBlockIndex\":" + block + "}"));
        }
    }

    private void metadata(OutputStream out, Usage usage) throws IOException {
        ObjectNode meta = JSON.createObjectNode();
        meta.set("usage", usage(usage));
        meta.putObject("metrics").put("latencyMs", 42);
        frame(out, EventStreamFrames.event("metadata", meta.toString()));
    }

    /** Writes one frame as two HTTP chunks split inside the prelude, so the reader must reassemble it. */
    private static void frame(OutputStream out, byte[] frame) throws IOException {
        int split = Math.min(7, frame.length);
        chunk(out, frame, 0, split);
        chunk(out, frame, split, frame.length - split);
    }

    private static void chunk(OutputStream out, byte[] bytes, int offset, int length) throws IOException {
        out.write((Integer.toHexString(length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(bytes, offset, length);
        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    private static ArrayNode text(String text) {
        ArrayNode content = JSON.createArrayNode();
        content.addObject().put("text", text);
        return content;
    }

    private static ObjectNode converse(ArrayNode content, String stopReason, Usage usage) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode message = root.putObject("output").putObject("message");
        message.put("role", "assistant");
        message.set("content", content);
        root.put("stopReason", stopReason);
        root.set("usage", usage(usage));
        root.putObject("metrics").put("latencyMs", 42);
        return root;
    }

    /** Bedrock's usage: inputTokens exclude cache reads, which are reported apart. */
    private static ObjectNode usage(Usage usage) {
        Usage u = usage == null ? Usage.of(0, 0) : usage;
        long cached = u.cachedTokens().orElse(0L);
        ObjectNode node = JSON.createObjectNode();
        node.put("inputTokens", u.promptTokens() - cached);
        node.put("outputTokens", u.completionTokens());
        node.put("totalTokens", u.promptTokens() + u.completionTokens());
        if (u.cachedTokens().isPresent()) {
            node.put("cacheReadInputTokens", cached);
            node.put("cacheWriteInputTokens", 0);
        }
        return node;
    }

    private static String stopReason(String finishReason) {
        return switch (finishReason == null ? "stop" : finishReason) {
            case "length" -> "max_tokens";
            case "content_filter" -> "content_filtered";
            case "tool_calls" -> "tool_use";
            default -> "end_turn";
        };
    }

    private record Native(int status, String type) {
    }

    private static Native nativeError(Reply.Kind kind) {
        return switch (kind) {
            case RATE_LIMITED -> new Native(429, "ThrottlingException");
            case OVERLOADED -> new Native(503, "ServiceUnavailableException");
            case AUTHENTICATION -> new Native(403, "UnrecognizedClientException");
            case PERMISSION -> new Native(403, "AccessDeniedException");
            case CONTEXT_TOO_LONG, BAD_REQUEST -> new Native(400, "ValidationException");
            case NOT_FOUND -> new Native(404, "ResourceNotFoundException");
            case SERVER_ERROR -> new Native(500, "InternalServerException");
        };
    }

    private static void json(OutputStream out, ObjectNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nx-amzn-RequestId: " + UUID.randomUUID()
                + "\r\nContent-Length: " + bytes.length + "\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.write(bytes);
        out.flush();
    }

    /** An error as Bedrock sends it: status, x-amzn-ErrorType, {"message":...}. */
    private static void error(OutputStream out, int status, String type, String message, Optional<String> retryAfter)
            throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(JSON.createObjectNode().put("message", message));
        StringBuilder head = new StringBuilder("HTTP/1.1 ").append(status).append(" Error\r\n")
                .append("Content-Type: application/json\r\n")
                .append("x-amzn-RequestId: ").append(UUID.randomUUID()).append("\r\n")
                .append("x-amzn-ErrorType: ").append(type).append(":http://internal.amazon.com/coral/com.amazon.bedrock/\r\n");
        retryAfter.ifPresent(r -> head.append("Retry-After: ").append(r).append("\r\n"));
        head.append("Content-Length: ").append(bytes.length).append("\r\nConnection: close\r\n\r\n");
        out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
        out.write(bytes);
        out.flush();
    }

    private static Optional<String> first(Map<String, List<String>> headers, String name) {
        List<String> v = headers.get(name);
        return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v.getFirst());
    }
}
