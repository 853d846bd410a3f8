package io.heimdall.provider.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.heimdall.api.GatewayException;
import io.heimdall.api.model.ChatChunk;
import io.heimdall.api.model.ChatMessage;
import io.heimdall.api.model.ChatRequest;
import io.heimdall.api.model.GatewayError;
import io.heimdall.api.plugin.Secret;
import io.heimdall.api.provider.Provider;
import io.heimdall.api.provider.ProviderCall;
import io.heimdall.core.StandaloneContext;
import io.heimdall.testkit.TestRequestContext;
import io.heimdall.testkit.tck.SeenRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** One {@link AnthropicUpstream} per test class and an {@code anthropic} provider configured against it. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 15, unit = TimeUnit.SECONDS)
abstract class AnthropicTestBase {
    static final String MODEL = "claude-sonnet-4-5";
    static final String SECRET = "sk-ant-api03-TESTSECRET-" + Long.toHexString(System.nanoTime());
    static final ObjectMapper JSON = new ObjectMapper();

    AnthropicUpstream upstream;
    Provider provider;

    /** Extra config keys for the provider under test. */
    Map<String, Object> config() {
        return Map.of();
    }

    @BeforeAll
    void start() {
        upstream = new AnthropicUpstream();
        provider = create(upstream.baseUrl(), config());
    }

    static Provider create(String baseUrl, Map<String, Object> extra) {
        AnthropicProviderFactory factory = new AnthropicProviderFactory();
        Map<String, Object> values = new LinkedHashMap<>(extra);
        values.put("base-url", baseUrl);
        return factory.create(StandaloneContext.config("providers.claude", values, factory.configSpec()),
                StandaloneContext.create("claude"));
    }

    @AfterAll
    void stop() {
        provider.close();
        upstream.close();
    }

    @BeforeEach
    void reset() {
        upstream.reset();
    }

    static ProviderCall call() {
        return ProviderCall.withKey("claude", Secret.of(SECRET), new TestRequestContext(), 1);
    }

    static ChatRequest.Builder request(ChatMessage... messages) {
        return ChatRequest.builder().model(MODEL).messages(List.of(messages));
    }

    List<ChatChunk> stream(ChatRequest request) {
        List<ChatChunk> chunks = new ArrayList<>();
        provider.stream(request.toBuilder().stream(true).build(), call(), chunks::add);
        return chunks;
    }

    /** The only request the upstream saw, its body as a tree. */
    JsonNode body() {
        List<SeenRequest> seen = upstream.requests();
        assertEquals(1, seen.size(), "requests: " + seen);
        try {
            return JSON.readTree(seen.getFirst().body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A failing call's error; checks that no message or cause shows the key. */
    static GatewayError failure(Runnable call) {
        GatewayException e = assertThrows(GatewayException.class, call::run);
        for (Throwable t = e; t != null; t = t.getCause()) {
            assertFalse(String.valueOf(t.getMessage()).contains(SECRET), "the key leaked into " + t);
        }
        assertFalse(e.error().message().contains(SECRET));
        return e.error();
    }
}
