package io.heimdall.api.wire;

import io.heimdall.api.model.ChatChunk;
import io.heimdall.api.model.ChatRequest;
import io.heimdall.api.model.ChatResponse;
import io.heimdall.api.model.EmbeddingRequest;
import io.heimdall.api.model.EmbeddingResponse;
import io.heimdall.api.model.GatewayError;
import io.heimdall.api.model.ModelInfo;

import java.util.List;

/**
 * Encodes and decodes the canonical model in the OpenAI wire format (JSON, UTF-8). Decoding is lenient about what an
 * OpenAI-compatible server leaves out (missing {@code id}, {@code created}, {@code index}) and keeps unknown fields in
 * {@code extra}. Decoding failures throw {@link io.heimdall.api.GatewayException}: 400 for a client's request, 502
 * {@code bad_upstream_response} for an upstream's body.
 */
public interface OpenAiWire {
    /** A chat request as sent to an upstream or by a client. */
    byte[] encodeChatRequest(ChatRequest request);

    /** Decodes a client's chat request body. */
    ChatRequest decodeChatRequest(byte[] json);

    /** A complete chat response. */
    byte[] encodeChatResponse(ChatResponse response);

    /** Decodes an upstream's chat response body. */
    ChatResponse decodeChatResponse(byte[] json);

    /** One stream chunk, as the data of one SSE event. */
    byte[] encodeChunk(ChatChunk chunk);

    /** Decodes the data of one SSE event of an upstream stream. */
    ChatChunk decodeChunk(String json);

    /** An embeddings request. */
    byte[] encodeEmbeddingRequest(EmbeddingRequest request);

    /** Decodes a client's embeddings request body. */
    EmbeddingRequest decodeEmbeddingRequest(byte[] json);

    /** An embeddings response, floats or base64 as the request asked. */
    byte[] encodeEmbeddingResponse(EmbeddingResponse response, boolean base64);

    /** Decodes an upstream's embeddings response (floats or base64). */
    EmbeddingResponse decodeEmbeddingResponse(byte[] json);

    /** Decodes an upstream's {@code GET /models} list. */
    List<ModelInfo> decodeModelList(byte[] json);

    /** The OpenAI error body for an error. */
    byte[] encodeError(GatewayError error);

    /**
     * Reads an upstream error body into an error with the upstream's status, keeping its type, message, param and code
     * when the body is in the OpenAI error shape, and a short excerpt of the body otherwise.
     */
    GatewayError decodeError(int status, byte[] body);
}
