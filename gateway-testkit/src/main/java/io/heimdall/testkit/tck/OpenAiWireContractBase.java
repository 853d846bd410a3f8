package io.heimdall.testkit.tck;

import io.heimdall.api.GatewayException;
import io.heimdall.api.model.ChatChunk;
import io.heimdall.api.model.ChatMessage;
import io.heimdall.api.model.ChatRequest;
import io.heimdall.api.model.ChunkChoice;
import io.heimdall.api.model.FinishReason;
import io.heimdall.api.model.GatewayError;
import io.heimdall.api.model.RawJson;
import io.heimdall.api.model.Tool;
import io.heimdall.api.model.Usage;
import io.heimdall.api.plugin.Secret;
import io.heimdall.api.provider.Provider;
import io.heimdall.api.provider.ProviderCall;
import io.heimdall.testkit.MockOpenAiServer;
import io.heimdall.testkit.RecordedRequest;
import io.heimdall.testkit.TestRequestContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The setup and helpers of {@link OpenAiWireProviderContract}: one {@link MockOpenAiServer} per test class, the
 * provider under test created against it, the contract's key, and request builders and assertions. Not extended
 * directly: provider tests extend {@link OpenAiWireProviderContract}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 15, unit = TimeUnit.SECONDS)
public abstract class OpenAiWireContractBase {
    /** The chat model the contract asks for. */
    protected static final String MODEL = "gpt-4o-mini";
    /** The embedding model the contract asks for. */
    protected static final String EMBEDDING_MODEL = "text-embedding-3-small";
    /** A user message with characters that need JSON escaping and non-ASCII text. */
    protected static final String TRICKY_TEXT = "Say \"hi\" \\ to Zoë 👋\nthen\ttab";

    private static final String TOOL_SCHEMA = "{\"type\":\"object\",\"properties\":{\"query\":{\"type\":\"string\"}},"
            + "\"required\":[\"query\"]}";

    private final Secret key = Secret.of("sk-tck-" + Long.toHexString(ThreadLocalRandom.current().nextLong())
            + Long.toHexString(ThreadLocalRandom.current().nextLong()) + "TCKSECRET");
    private MockOpenAiServer mock;
    private Provider provider;

    OpenAiWireContractBase() {
    }

    /**
     * Creates the provider under test.
     *
     * @param baseUrl the upstream's OpenAI base URL, {@code http://127.0.0.1:<port>/v1}
     * @param key     the API key the contract also passes in every {@link ProviderCall}
     * @return the provider; closed after the last test
     */
    protected abstract Provider createProvider(String baseUrl, Optional<Secret> key);

    /** The provider name used in {@link ProviderCall}s; default {@code tck}. */
    protected String providerName() {
        return "tck";
    }

    /**
     * The path (with query) the upstream receives for an OpenAI path such as {@code /v1/chat/completions}; override
     * for a provider with its own URLs (Azure's deployment paths). The mock serves those as the OpenAI endpoint.
     */
    protected String upstreamPath(String openAiPath) {
        return openAiPath;
    }

    /** Asserts that a request carries the contract's key: by default as {@code Authorization: Bearer <key>}. */
    protected void assertKeySent(RecordedRequest request) {
        assertEquals(Optional.of("Bearer " + key.reveal()), request.header("authorization"), request.toString());
    }

    /** The mock upstream, for subclasses adding their own tests. */
    protected final MockOpenAiServer mock() {
        return mock;
    }

    /** The provider under test. */
    protected final Provider provider() {
        return provider;
    }

    /** The key the contract uses. */
    protected final Secret key() {
        return key;
    }

    /** A call for a client request, with the contract's key, attempt 1. */
    protected final ProviderCall call(TestRequestContext context) {
        return ProviderCall.withKey(providerName(), key, context, 1);
    }

    /** Starts the mock upstream and creates the provider. */
    @BeforeAll
    public final void startUpstream() {
        mock = MockOpenAiServer.start();
        provider = createProvider(mock.baseUrl(), Optional.of(key));
    }

    /** Closes the provider and stops the mock. */
    @AfterAll
    public final void stopUpstream() {
        try {
            if (provider != null) {
                provider.close();
            }
        } finally {
            if (mock != null) {
                mock.close();
            }
        }
    }

    /** Clears scripted behaviours and recorded requests between tests. */
    @BeforeEach
    public final void resetUpstream() {
        mock.reset();
    }

    // ------------------------------------------------------------------ helpers

    /** A one-message chat request for {@link #MODEL}. */
    protected static ChatRequest chat(String userText, boolean stream) {
        return ChatRequest.builder().model(MODEL).addMessage(ChatMessage.user(userText)).stream(stream).build();
    }

    /** The request with two function tools, {@code lookup} first. */
    protected static ChatRequest withTools(ChatRequest request) {
        return request.toBuilder().tools(List.of(
                Tool.function("lookup", "Looks a query up", new RawJson(TOOL_SCHEMA)),
                Tool.function("other", "Never called", new RawJson(TOOL_SCHEMA)))).build();
    }

    /** Runs a call that must fail with a {@link GatewayException}; checks that no message shows the key. */
    protected final GatewayError failure(Runnable call) {
        GatewayException e = assertThrows(GatewayException.class, call::run);
        assertNoSecret(e);
        return e.error();
    }

    /** Asserts that neither the exception, its error nor any cause mentions the contract's key. */
    protected final void assertNoSecret(GatewayException e) {
        String secret = key.reveal();
        assertFalse(e.error().message().contains(secret), "the key leaked into the error message");
        for (Throwable t = e; t != null; t = t.getCause()) {
            assertFalse(String.valueOf(t.getMessage()).contains(secret), "the key leaked into " + t.getClass());
            assertFalse(t.toString().contains(secret), "the key leaked into " + t.getClass());
        }
    }

    final RecordedRequest onlyRequest() {
        List<RecordedRequest> requests = mock.requests();
        assertEquals(1, requests.size(), "requests sent upstream: " + requests);
        return requests.getFirst();
    }

    static String content(List<ChatChunk> chunks) {
        StringBuilder sb = new StringBuilder();
        for (ChatChunk c : chunks) {
            for (ChunkChoice choice : c.choices()) {
                choice.delta().content().ifPresent(sb::append);
            }
        }
        return sb.toString();
    }

    static void assertFinishesWith(List<ChatChunk> withChoices, FinishReason reason) {
        assertFalse(withChoices.isEmpty(), "no chunk with choices");
        for (int i = 0; i < withChoices.size() - 1; i++) {
            assertTrue(withChoices.get(i).choices().getFirst().finishReason().isEmpty(),
                    "finish reason before the last chunk, at " + i);
        }
        assertEquals(Optional.of(reason), withChoices.getLast().choices().getFirst().finishReason());
    }

    static void assertUsage(Optional<Usage> usage, long prompt, long completion) {
        assertTrue(usage.isPresent(), "usage missing");
        Usage u = usage.get();
        assertEquals(prompt, u.promptTokens(), "prompt tokens");
        assertEquals(completion, u.completionTokens(), "completion tokens");
        assertEquals(prompt + completion, u.totalTokens(), "total tokens");
    }

    /** Words as the mock counts tokens: whitespace-separated runs. */
    static int words(String text) {
        int n = 0;
        boolean in = false;
        for (int i = 0; i < text.length(); i++) {
            boolean ws = Character.isWhitespace(text.charAt(i));
            if (!ws && !in) {
                n++;
            }
            in = !ws;
        }
        return n;
    }
}
