package io.heimdall.testkit.tck;

import io.heimdall.api.GatewayException;
import io.heimdall.api.model.ChatChunk;
import io.heimdall.api.model.ChatMessage;
import io.heimdall.api.model.ChatRequest;
import io.heimdall.api.model.GatewayError;
import io.heimdall.api.plugin.Secret;
import io.heimdall.api.provider.ApiKey;
import io.heimdall.api.provider.Capability;
import io.heimdall.api.provider.Provider;
import io.heimdall.api.provider.ProviderCall;
import io.heimdall.testkit.TestRequestContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Setup, helpers and the failure half of {@link NativeProviderContract}: each {@link Reply.Kind} rendered natively by
 * the mock must come back as a {@link GatewayException} with the canonical status (and {@code retry-after},
 * {@code context_length_exceeded}), the provider's message kept, and the key's value nowhere in it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 15, unit = TimeUnit.SECONDS)
public abstract class NativeFailureContract {
    /** Text with quotes, backslash, non-ASCII, emoji and control characters. */
    protected static final String TRICKY_TEXT = "Say \"hi\" \\ to Zoë 👋\nthen\ttab";
    /** A JSON schema with one required string property {@code query}. */
    protected static final String TOOL_SCHEMA =
            "{\"type\":\"object\",\"properties\":{\"query\":{\"type\":\"string\"}},\"required\":[\"query\"]}";
    /** The canary secret of the default key: it must never appear in an error. */
    protected static final String CANARY = "sk-canary-7f3a9c1e5b2d4f6a8c0e";

    private NativeUpstream upstream;
    private Provider provider;

    /** For subclasses. */
    protected NativeFailureContract() {
    }

    /** Starts the mock upstream (once per test class). */
    protected abstract NativeUpstream startUpstream();

    /** Creates the provider under test against {@code baseUrl}, configured with {@code key} when present. */
    protected abstract Provider createProvider(String baseUrl, Optional<ApiKey> key);

    /** The key calls are made with; defaults to key {@code main} whose value is {@link #CANARY}. */
    protected Optional<ApiKey> key() {
        return Optional.of(ApiKey.of("main", Secret.of(CANARY)));
    }

    /** The secret values that must never leak; defaults to every value of {@link #key()}. */
    protected List<String> secrets() {
        List<String> out = new ArrayList<>();
        key().ifPresent(k -> {
            k.value().ifPresent(s -> out.add(s.reveal()));
            k.fields().values().forEach(s -> out.add(s.reveal()));
        });
        return out;
    }

    /** The upstream model name requests are sent with. */
    protected String model() {
        return "test-model";
    }

    /** The provider's configured name. */
    protected String providerName() {
        return "native";
    }

    /** Whether the wire carries tool-call ids; where it does not, the provider must invent stable ones. */
    protected boolean upstreamAssignsToolCallIds() {
        return true;
    }

    /** The mock upstream. */
    protected final NativeUpstream upstream() {
        return upstream;
    }

    /** The provider under test. */
    protected final Provider provider() {
        return provider;
    }

    /** A call as provider {@link #providerName()} with {@link #key()}, attempt 1, 10 s deadline. */
    protected final ProviderCall call() {
        return new ProviderCall(providerName(), key(), new TestRequestContext().timeout(Duration.ofSeconds(10)), 1);
    }

    /** Starts the upstream and creates the provider. */
    @BeforeAll
    public final void startNativeUpstream() {
        upstream = startUpstream();
        provider = createProvider(upstream.baseUrl(), key());
    }

    /** Closes the provider and the upstream. */
    @AfterAll
    public final void stopNativeUpstream() {
        try {
            if (provider != null) {
                provider.close();
            }
        } finally {
            if (upstream != null) {
                upstream.close();
            }
        }
    }

    /** Clears the upstream between tests. */
    @BeforeEach
    public final void resetNativeUpstream() {
        upstream.reset();
    }

    /** Skips the test unless the provider declares {@code capability} for {@link #model()}. */
    protected final void requires(Capability capability) {
        Assumptions.assumeTrue(provider.capabilities(model()).contains(capability),
                "the provider does not declare " + capability + " for " + model());
    }

    /** A one-message chat request for {@link #model()}. */
    protected final ChatRequest userChat(String text) {
        return ChatRequest.builder().model(model()).addMessage(ChatMessage.user(text)).build();
    }

    /** The one request the upstream received. */
    protected final SeenRequest onlyRequest() {
        List<SeenRequest> requests = upstream.requests();
        assertEquals(1, requests.size(), "requests sent upstream: " + requests);
        return requests.getFirst();
    }

    /** Runs a call that must fail; checks that the key is nowhere in the exception chain; returns the error. */
    protected final GatewayError failure(Runnable call) {
        GatewayException e = assertThrows(GatewayException.class, call::run);
        for (String secret : secrets()) {
            assertFalse(e.error().message().contains(secret), "a secret leaked into the error message");
            for (Throwable t = e; t != null; t = t.getCause()) {
                assertFalse(String.valueOf(t.getMessage()).contains(secret), "a secret leaked into " + t.getClass());
            }
        }
        return e.error();
    }

    private GatewayError failureFor(Reply.Kind kind, String message, Optional<Duration> retryAfter) {
        upstream.enqueue(new Reply.Failure(kind, message, retryAfter));
        return failure(() -> provider.chat(userChat("hi"), call()));
    }

    @Test
    void rateLimitIsA429WithRetryAfter() {
        GatewayError e = failureFor(Reply.Kind.RATE_LIMITED, "Slow down please", Optional.of(Duration.ofSeconds(7)));
        assertEquals(429, e.status());
        assertEquals(GatewayError.RATE_LIMIT, e.type());
        assertEquals(Optional.of(Duration.ofSeconds(7)), e.retryAfter(), "retry-after kept");
        assertTrue(e.message().contains("Slow down please"), "message kept: " + e.message());
    }

    @Test
    void overloadIsRetryable() {
        GatewayError e = failureFor(Reply.Kind.OVERLOADED, "Overloaded now", Optional.empty());
        assertTrue(e.status() == 503 || e.status() == 529, "status " + e.status());
        assertTrue(e.message().contains("Overloaded now"), "message kept: " + e.message());
    }

    @Test
    void authenticationFailureIsA401() {
        GatewayError e = failureFor(Reply.Kind.AUTHENTICATION, "Bad credentials", Optional.empty());
        assertEquals(401, e.status());
        assertEquals(GatewayError.AUTHENTICATION, e.type());
    }

    @Test
    void permissionFailureIsA403() {
        assertEquals(403, failureFor(Reply.Kind.PERMISSION, "Not allowed", Optional.empty()).status());
    }

    @Test
    void contextTooLongIsA400WithItsCode() {
        GatewayError e = failureFor(Reply.Kind.CONTEXT_TOO_LONG, "The prompt is too long", Optional.empty());
        assertEquals(400, e.status());
        assertEquals(Optional.of("context_length_exceeded"), e.code());
    }

    @Test
    void badRequestKeepsTheProvidersMessage() {
        GatewayError e = failureFor(Reply.Kind.BAD_REQUEST, "field xyz is invalid", Optional.empty());
        assertEquals(400, e.status());
        assertEquals(GatewayError.INVALID_REQUEST, e.type());
        assertTrue(e.message().contains("field xyz is invalid"), "message kept: " + e.message());
    }

    @Test
    void unknownModelIsA404() {
        assertEquals(404, failureFor(Reply.Kind.NOT_FOUND, "No such model", Optional.empty()).status());
    }

    @Test
    void serverErrorIsA5xx() {
        int status = failureFor(Reply.Kind.SERVER_ERROR, "Internal trouble", Optional.empty()).status();
        assertTrue(status == 500 || status == 502, "status " + status);
    }

    @Test
    void anErrorInsideAStreamFailsAfterTheChunksBeforeIt() {
        requires(Capability.STREAMING);
        upstream.enqueue(new Reply.StreamFailure("partial answer", Reply.Kind.OVERLOADED, "Overloaded mid-stream"));
        List<ChatChunk> chunks = new ArrayList<>();
        ChatRequest request = userChat("hi").toBuilder().stream(true).build();
        GatewayError e = failure(() -> provider.stream(request, call(), chunks::add));
        assertEquals("partial answer", StreamChecks.content(chunks));
        assertTrue(e.status() >= 500, "status " + e.status());
    }

    @Test
    void aDroppedConnectionIsAGatewayError() {
        upstream.enqueue(new Reply.Drop());
        GatewayError e = failure(() -> provider.chat(userChat("hi"), call()));
        assertTrue(e.status() >= 500, "status " + e.status());
    }
}
