package io.heimdall.core.internal.wire;

import io.heimdall.api.model.ChatChunk;
import io.heimdall.api.model.ChatRequest;
import io.heimdall.api.model.ChatResponse;
import io.heimdall.api.model.EmbeddingRequest;
import io.heimdall.api.model.EmbeddingResponse;
import io.heimdall.api.model.GatewayError;
import io.heimdall.api.model.ModelInfo;
import io.heimdall.api.wire.OpenAiWire;

import java.util.List;
import java.util.Optional;

/**
 * The OpenAI wire format with Jackson: tree parsing for decoding (path-precise errors, unknown fields kept as raw
 * JSON with the sender's exact tokens), a streaming generator for encoding. Thread-safe and stateless. This class is
 * the facade; the work is done by {@link ChatRequestCodec}, {@link ChatResponseCodec} (with {@link MessageCodec} and
 * {@link UsageCodec}), {@link EmbeddingCodec} and {@link ModelsAndErrorsCodec}.
 */
public final class JacksonOpenAiWire implements OpenAiWire {
    private final ChatRequestCodec requests;
    private final ChatResponseCodec responses;
    private final EmbeddingCodec embeddings;
    private final ModelsAndErrorsCodec modelsAndErrors;
    private final WireJson json;

    /** Creates the codec with nesting and string-length limits suited to untrusted input. */
    public JacksonOpenAiWire() {
        WireJson json = new WireJson();
        this.json = json;
        this.requests = new ChatRequestCodec(json);
        this.responses = new ChatResponseCodec(json, new UsageCodec(json));
        this.embeddings = new EmbeddingCodec(json);
        this.modelsAndErrors = new ModelsAndErrorsCodec(json);
    }

    @Override
    public byte[] encodeChatRequest(ChatRequest request) {
        return requests.encode(request);
    }

    @Override
    public ChatRequest decodeChatRequest(byte[] json) {
        return requests.decode(json);
    }

    @Override
    public byte[] encodeChatResponse(ChatResponse response) {
        return responses.encodeResponse(response);
    }

    @Override
    public ChatResponse decodeChatResponse(byte[] json) {
        return responses.decodeResponse(json);
    }

    @Override
    public byte[] encodeChunk(ChatChunk chunk) {
        return responses.encodeChunk(chunk);
    }

    @Override
    public ChatChunk decodeChunk(String json) {
        return responses.decodeChunk(json);
    }

    /**
     * Reads an upstream chunk's JSON only as far as relaying it untouched needs; empty when it is not one JSON object
     * ({@link #decodeChunk} then reports what is wrong).
     */
    public Optional<RelayedChunk> relayedChunk(byte[] chunkJson) {
        return relayedChunk(chunkJson, false);
    }

    /** As {@link #relayedChunk(byte[])}, reading the chunk's {@code id} and {@code model} too when {@code wantIds}. */
    public Optional<RelayedChunk> relayedChunk(byte[] chunkJson, boolean wantIds) {
        return relayedChunk(chunkJson, chunkJson.length, wantIds);
    }

    /**
     * As {@link #relayedChunk(byte[], boolean)}, for the chunk in {@code chunkJson[0, length)}: the chunk read keeps
     * the array, so the caller uses it before the array changes.
     */
    public Optional<RelayedChunk> relayedChunk(byte[] chunkJson, int length, boolean wantIds) {
        return RelayedChunk.read(json, chunkJson, length, wantIds);
    }

    /**
     * Reads an upstream's chat completion only as far as relaying it untouched needs; empty when it is not the plain
     * shape ({@link #decodeChatResponse} then reads it, or reports what is wrong).
     */
    public Optional<RelayedResponse> relayedResponse(byte[] body) {
        return RelayedResponse.read(json, body);
    }

    @Override
    public byte[] encodeEmbeddingRequest(EmbeddingRequest request) {
        return embeddings.encodeRequest(request);
    }

    @Override
    public EmbeddingRequest decodeEmbeddingRequest(byte[] json) {
        return embeddings.decodeRequest(json);
    }

    @Override
    public byte[] encodeEmbeddingResponse(EmbeddingResponse response, boolean base64) {
        return embeddings.encodeResponse(response, base64);
    }

    @Override
    public EmbeddingResponse decodeEmbeddingResponse(byte[] json) {
        return embeddings.decodeResponse(json);
    }

    @Override
    public List<ModelInfo> decodeModelList(byte[] json) {
        return modelsAndErrors.decodeModelList(json);
    }

    @Override
    public byte[] encodeError(GatewayError error) {
        return modelsAndErrors.encodeError(error);
    }

    @Override
    public GatewayError decodeError(int status, byte[] body) {
        return modelsAndErrors.decodeError(status, body);
    }

    /** Encodes one model for {@code GET /v1/models/{model}}. */
    public byte[] encodeModel(ModelInfo model) {
        return modelsAndErrors.encodeModel(model);
    }

    /** Encodes a model list for {@code GET /v1/models}. */
    public byte[] encodeModelList(List<ModelInfo> models) {
        return modelsAndErrors.encodeModelList(models);
    }
}
