package io.heimdall.provider.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.heimdall.api.GatewayException;
import io.heimdall.api.model.Embedding;
import io.heimdall.api.model.EmbeddingRequest;
import io.heimdall.api.model.EmbeddingResponse;
import io.heimdall.api.model.RawJson;
import io.heimdall.api.model.Usage;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Embeddings through InvokeModel: Amazon Titan text embeddings ({@code amazon.titan-embed-text-v1}, {@code -v2:0};
 * one request per input, {@code inputText}, {@code dimensions} and {@code normalize} for v2) and Cohere embeddings
 * ({@code cohere.embed-*}; one request for up to 96 texts, {@code input_type} from the request's {@code input_type}
 * field, default {@code search_document}).
 */
final class BedrockEmbeddings {
    /** Cohere's limit of texts per request. */
    static final int COHERE_BATCH = 96;

    /**
     * An InvokeModel answer.
     *
     * @param body        the response body
     * @param inputTokens the {@code X-Amzn-Bedrock-Input-Token-Count} header, -1 if absent
     */
    record Answer(byte[] body, long inputTokens) {
    }

    private final String provider;

    BedrockEmbeddings(String provider) {
        this.provider = provider;
    }

    /** Whether a model id names an embedding model. */
    static boolean isEmbeddingModel(String model) {
        return model.contains("embed");
    }

    /** Embeds the request's texts, sending each InvokeModel body through {@code invoke}. */
    EmbeddingResponse embed(EmbeddingRequest request, Function<byte[], Answer> invoke) {
        String model = request.model();
        List<Embedding> data = new ArrayList<>();
        long tokens = 0;
        if (model.contains("cohere.embed")) {
            for (int start = 0; start < request.input().size(); start += COHERE_BATCH) {
                List<String> batch = request.input().subList(start, Math.min(request.input().size(),
                        start + COHERE_BATCH));
                ObjectNode body = ConverseRequests.JSON.createObjectNode();
                ArrayNode texts = body.putArray("texts");
                batch.forEach(texts::add);
                RawJson inputType = request.extra().get("input_type");
                body.put("input_type", inputType == null ? "search_document" : text(inputType));
                RawJson truncate = request.extra().get("truncate");
                if (truncate != null) {
                    body.put("truncate", text(truncate));
                }
                Answer answer = invoke.apply(bytes(body));
                JsonNode root = parse(answer.body());
                JsonNode vectors = root.path("embeddings");
                if (vectors.isObject()) {
                    vectors = vectors.path("float");
                }
                if (!vectors.isArray() || vectors.size() != batch.size()) {
                    throw ConverseResponses.bad(provider, "expected " + batch.size() + " Cohere embeddings");
                }
                for (JsonNode v : vectors) {
                    data.add(new Embedding(data.size(), floats(v)));
                }
                tokens += Math.max(0, answer.inputTokens());
            }
        } else if (model.contains("titan-embed")) {
            for (String input : request.input()) {
                ObjectNode body = ConverseRequests.JSON.createObjectNode();
                body.put("inputText", input);
                if (!model.contains("titan-embed-text-v1") && !model.contains("titan-embed-image")) {
                    request.dimensions().ifPresent(d -> body.put("dimensions", d));
                    body.put("normalize", true);
                }
                Answer answer = invoke.apply(bytes(body));
                JsonNode root = parse(answer.body());
                JsonNode vector = root.path("embedding");
                if (!vector.isArray()) {
                    throw ConverseResponses.bad(provider, "the Titan response has no embedding");
                }
                data.add(new Embedding(data.size(), floats(vector)));
                tokens += root.has("inputTextTokenCount") ? root.get("inputTextTokenCount").asLong()
                        : Math.max(0, answer.inputTokens());
            }
        } else {
            throw GatewayException.badRequest("Provider '" + provider + "' (Bedrock) embeds with Amazon Titan "
                    + "(amazon.titan-embed-*) and Cohere (cohere.embed-*) models, not '" + model + "'", "model");
        }
        return new EmbeddingResponse(model, data, Usage.of(tokens, 0));
    }

    private String text(RawJson raw) {
        JsonNode node = parse(raw.json().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return node.asText();
    }

    private static byte[] bytes(ObjectNode node) {
        try {
            return ConverseRequests.JSON.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private JsonNode parse(byte[] body) {
        try {
            JsonNode node = ConverseRequests.JSON.readTree(body);
            if (node == null) {
                throw ConverseResponses.bad(provider, "an empty body");
            }
            return node;
        } catch (IOException e) {
            throw ConverseResponses.bad(provider, "the body is not JSON");
        }
    }

    private static float[] floats(JsonNode array) {
        float[] out = new float[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) array.get(i).asDouble();
        }
        return out;
    }
}
