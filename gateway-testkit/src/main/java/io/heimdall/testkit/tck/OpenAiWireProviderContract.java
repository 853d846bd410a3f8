package io.heimdall.testkit.tck;

import io.heimdall.api.GatewayException;
import io.heimdall.api.model.Embedding;
import io.heimdall.api.model.EmbeddingRequest;
import io.heimdall.api.model.EmbeddingResponse;
import io.heimdall.api.model.GatewayError;
import io.heimdall.api.model.ModelInfo;
import io.heimdall.api.provider.Capability;
import io.heimdall.api.provider.ProviderCall;
import io.heimdall.testkit.MockBehavior;
import io.heimdall.testkit.MockOpenAiServer;
import io.heimdall.testkit.RecordedRequest;
import io.heimdall.testkit.TestRequestContext;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The contract every provider whose upstream speaks the OpenAI wire format must pass. A provider module extends it in
 * its tests and implements {@link #createProvider}; the contract starts one {@link MockOpenAiServer} on loopback for
 * the test class, creates the provider against its base URL, and checks through the real socket: echo replies with
 * usage and finish reasons, streaming order, tool calls (whole and streamed), the bearer key, forwarded upstream
 * headers, the mapping of upstream failures (429, 400, 401, 5xx, dropped connections, malformed bodies, errors inside
 * a stream) onto {@link GatewayException}, the request deadline, embeddings and model listing when declared, and that
 * no exception message ever contains the key.
 *
 * <pre>{@code
 * class OpenAiProviderContractTest extends OpenAiWireProviderContract {
 *     @Override
 *     protected Provider createProvider(String baseUrl, Optional<Secret> key) {
 *         return new OpenAiProvider(baseUrl, ...);
 *     }
 * }
 * }</pre>
 *
 * <p>Every test has a 15 second limit. Calls are made as provider {@link #providerName()} with the key in
 * {@link ProviderCall#key()}; the same key is passed to {@link #createProvider} for providers configured with it.
 *
 * <p>The tests are grouped by theme in its superclasses: {@link OpenAiWireChatContract} (chat, streaming, tools),
 * {@link OpenAiWireFailureContract} (headers, failures, deadline), and this class (embeddings, models); setup and
 * helpers are in {@link OpenAiWireContractBase}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 15, unit = TimeUnit.SECONDS)
public abstract class OpenAiWireProviderContract extends OpenAiWireFailureContract {
    /** For subclasses. */
    protected OpenAiWireProviderContract() {
    }

    // ------------------------------------------------------------------ embeddings and models

    /** Embeddings round-trip exactly (floats or base64 on the wire), in input order, with usage. */
    @Test
    public void embeddingsRoundTrip() {
        Assumptions.assumeTrue(provider().capabilities().contains(Capability.EMBEDDINGS),
                "the provider does not declare EMBEDDINGS");
        List<String> input = List.of("hello world", "the quick brown fox", TRICKY_TEXT);

        EmbeddingResponse response = provider().embed(EmbeddingRequest.of(EMBEDDING_MODEL, input),
                call(new TestRequestContext()));

        assertEquals(input.size(), response.data().size());
        for (int i = 0; i < input.size(); i++) {
            Embedding e = response.data().get(i);
            assertEquals(i, e.index());
            assertArrayEquals(MockOpenAiServer.embedding(input.get(i), 1536), e.vector(), "vector " + i);
        }
        assertEquals(EMBEDDING_MODEL, response.model());
        long tokens = input.stream().mapToLong(s -> Math.max(1, words(s))).sum();
        assertEquals(tokens, response.usage().promptTokens());
        RecordedRequest sent = onlyRequest();
        assertEquals(upstreamPath("/v1/embeddings"), sent.path());
        assertEquals(Optional.of(EMBEDDING_MODEL), sent.jsonValue("/model"));
    }

    /** The requested dimensions are forwarded. */
    @Test
    public void embeddingsForwardDimensions() {
        Assumptions.assumeTrue(provider().capabilities().contains(Capability.EMBEDDINGS),
                "the provider does not declare EMBEDDINGS");
        EmbeddingRequest request = new EmbeddingRequest(EMBEDDING_MODEL, List.of("short"), true, Optional.empty(),
                Optional.of(64), Optional.empty(), Map.of());

        EmbeddingResponse response = provider().embed(request, call(new TestRequestContext()));

        assertArrayEquals(MockOpenAiServer.embedding("short", 64), response.data().getFirst().vector());
        assertEquals(Optional.of("64"), onlyRequest().jsonValue("/dimensions"));
    }

    /** A failing embeddings call maps like chat: 503 stays 503 and is retryable. */
    @Test
    public void embeddingsFailuresMap() {
        Assumptions.assumeTrue(provider().capabilities().contains(Capability.EMBEDDINGS),
                "the provider does not declare EMBEDDINGS");
        mock().enqueue(MockBehavior.status(503));

        GatewayError error = failure(() -> provider().embed(EmbeddingRequest.of(EMBEDDING_MODEL, List.of("x")),
                call(new TestRequestContext())));

        assertEquals(503, error.status());
        assertTrue(error.retryable());
    }

    /** Model listing returns the upstream's model ids. */
    @Test
    public void modelsAreListed() {
        Assumptions.assumeTrue(provider().capabilities().contains(Capability.MODEL_LISTING),
                "the provider does not declare MODEL_LISTING");

        List<ModelInfo> models = provider().listModels(call(new TestRequestContext()));

        Set<String> ids = models.stream().map(ModelInfo::id).collect(Collectors.toSet());
        assertTrue(ids.containsAll(MockOpenAiServer.DEFAULT_MODELS), "models: " + ids);
        assertEquals(upstreamPath("/v1/models"), onlyRequest().path());
    }
}
