package io.heimdall.provider.openai;

import io.heimdall.api.model.ChatChunk;
import io.heimdall.api.model.ChatMessage;
import io.heimdall.api.model.ChatRequest;
import io.heimdall.api.model.EmbeddingRequest;
import io.heimdall.api.model.GatewayError;
import io.heimdall.api.model.RawJson;
import io.heimdall.api.model.ToolCall;
import io.heimdall.api.model.ToolChoice;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Mistral's chat API where it differs from OpenAI's (its schema forbids unknown fields with a 422
 * {@code extra_forbidden}): {@code seed} is {@code random_seed}; {@code tool_choice: "required"} is {@code "any"};
 * only {@code max_tokens}; no {@code stream_options}, {@code user}, {@code logit_bias}, {@code logprobs},
 * {@code service_tier} or message {@code name}; tool call ids must be 9 letters or digits, so other ids (from an
 * OpenAI conversation) are replaced by a stable 9-character hash on both the assistant's call and the tool result.
 * A stream's last chunk carries the finish reason and the usage together; it is split into the OpenAI pair (a usage
 * chunk with no choices after it) when the client asked for usage, and the usage dropped otherwise. Embeddings take
 * {@code output_dimension} for {@code dimensions}. A 422 is answered as a 400 with Mistral's message.
 */
final class MistralFlavor implements Flavor {
    /** Mistral's default base URL. */
    static final String BASE_URL = "https://api.mistral.ai/v1";

    private static final Set<String> FORBIDDEN = Set.of("stream_options", "user", "logit_bias", "logprobs",
            "top_logprobs", "service_tier", "store", "metadata", Quirks.MESSAGE_NAME, "max_completion_tokens");
    private static final Pattern TOOL_CALL_ID = Pattern.compile("[A-Za-z0-9]{9}");
    private static final Pattern CONTEXT = Pattern.compile("context length|too large for model|context window",
            Pattern.CASE_INSENSITIVE);
    private static final char[] ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
            .toCharArray();

    @Override
    public ChatRequest adapt(ChatRequest request, String provider) {
        ChatRequest r = Quirks.drop(Quirks.maxTokensOnly(request), FORBIDDEN);
        ChatRequest.Builder b = r.toBuilder();
        if (r.seed().isPresent()) {
            b.seed(null).extra("random_seed", new RawJson(Long.toString(r.seed().get())));
        }
        if (r.toolChoice().filter(c -> c.mode().equals("required")).isPresent()) {
            b.toolChoice(ToolChoice.mode("any"));
        }
        b.messages(withMistralToolIds(r.messages()));
        return b.build();
    }

    /** A tool call id Mistral accepts: the id itself when it already is one, else a stable 9-character hash. */
    static String toolCallId(String id) {
        if (TOOL_CALL_ID.matcher(id).matches()) {
            return id;
        }
        byte[] hash;
        try {
            hash = MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        char[] out = new char[9];
        for (int i = 0; i < out.length; i++) {
            out[i] = ALPHABET[(hash[i] & 0xff) % ALPHABET.length];
        }
        return new String(out);
    }

    private static List<ChatMessage> withMistralToolIds(List<ChatMessage> messages) {
        List<ChatMessage> out = new ArrayList<>(messages.size());
        for (ChatMessage m : messages) {
            ChatMessage.Builder b = null;
            if (!m.toolCalls().isEmpty()) {
                List<ToolCall> calls = new ArrayList<>();
                for (ToolCall c : m.toolCalls()) {
                    calls.add(new ToolCall(toolCallId(c.id()), c.type(), c.name(), c.arguments(), c.extra()));
                }
                b = m.toBuilder().toolCalls(calls);
            }
            if (m.toolCallId().isPresent() && !m.toolCallId().get().equals(toolCallId(m.toolCallId().get()))) {
                b = (b == null ? m.toBuilder() : b).toolCallId(toolCallId(m.toolCallId().get()));
            }
            out.add(b == null ? m : b.build());
        }
        return out;
    }

    @Override
    public EmbeddingRequest adapt(EmbeddingRequest request, String provider) {
        Map<String, RawJson> extra = new LinkedHashMap<>(request.extra());
        request.dimensions().ifPresent(d -> extra.put("output_dimension", new RawJson(Integer.toString(d))));
        return new EmbeddingRequest(request.model(), request.input(), request.singleInput(),
                request.encodingFormat(), Optional.empty(), Optional.empty(), extra);
    }

    @Override
    public boolean chunksAsSent() {
        return false;
    }

    @Override
    public List<ChatChunk> adaptChunk(ChatChunk chunk, ChatRequest request) {
        if (chunk.usage().isEmpty() || chunk.choices().isEmpty()) {
            return List.of(chunk);
        }
        ChatChunk withoutUsage = new ChatChunk(chunk.id(), chunk.created(), chunk.model(), chunk.choices(),
                Optional.empty(), chunk.systemFingerprint(), chunk.extra());
        if (!request.includeUsage()) {
            return List.of(withoutUsage);
        }
        return List.of(withoutUsage, new ChatChunk(chunk.id(), chunk.created(), chunk.model(), List.of(),
                chunk.usage(), chunk.systemFingerprint(), Map.of()));
    }

    @Override
    public GatewayError adaptError(GatewayError error) {
        int status = error.status() == 422 ? 400 : error.status();
        Optional<String> code = error.code();
        String type = error.type();
        if (status == 400) {
            type = GatewayError.INVALID_REQUEST;
            if (CONTEXT.matcher(error.message()).find()) {
                code = Optional.of("context_length_exceeded");
            }
        }
        if (status == error.status() && code.equals(error.code()) && type.equals(error.type())) {
            return error;
        }
        return new GatewayError(status, type, error.message(), error.param(), code, error.retryAfter());
    }
}
