package io.heimdall.provider.openai;

import io.heimdall.api.RequestContext;
import io.heimdall.api.hook.Hook;
import io.heimdall.api.hook.HookOutcome;
import io.heimdall.api.hook.RequestOutcome;
import io.heimdall.api.model.ChatRequest;
import io.heimdall.api.model.ChatResponse;
import io.heimdall.api.model.Usage;
import io.heimdall.api.observe.Observer;
import io.heimdall.api.observe.RequestSummary;
import io.heimdall.api.observe.ResponseInfo;
import io.heimdall.api.plugin.Plugin;
import io.heimdall.api.plugin.PluginConfig;
import io.heimdall.api.plugin.PluginContext;
import io.heimdall.api.plugin.PluginFactory;
import io.heimdall.core.Gateway;
import io.heimdall.testkit.LoopbackServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * With no hook that sees responses and no cache, a non-streamed answer reaches the client as the upstream wrote it
 * (byte for byte), while its usage is still accounted; an answer that is not the plain shape, or a hook that sees
 * responses, takes the decoded way, with the same errors as before.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(60)
class ResponsePassThroughTest {
    @TempDir
    static Path dir;
    private static final LinkedBlockingQueue<RequestSummary> SUMMARIES = new LinkedBlockingQueue<>();
    private static final AtomicReference<ChatResponse> HOOK_SAW = new AtomicReference<>();
    /** Odd spacing, unknown members, a member order of its own, escapes: what a re-encoding would not reproduce. */
    private static final String PLAIN = "{\"choices\" : [{\"message\":{\"content\":\"h\\u00e9llo \\\"usage\\\":null\","
            + "\"role\":\"assistant\",\"refusal\":null},\"logprobs\":null,\"finish_reason\":\"stop\",\"index\":0}],"
            + "\"id\":\"chatcmpl-raw\",  \"object\":\"chat.completion\",\"created\":1700000000,\"model\":\"m-1\","
            + "\"x_vendor\":{\"a\":[1, 2.50]},\"usage\":{\"completion_tokens\":7,\"prompt_tokens\":11,"
            + "\"total_tokens\":18,\"prompt_tokens_details\":{\"cached_tokens\":4,\"audio_tokens\":0},"
            + "\"completion_tokens_details\":{\"reasoning_tokens\":2}}}";
    /** No id: the decoder fills one in, as it always has. */
    private static final String NO_ID = "{\"object\":\"chat.completion\",\"created\":1700000000,\"model\":\"m-1\","
            + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"x\"},\"finish_reason\":"
            + "\"stop\"}],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":1,\"total_tokens\":4}}";
    private LoopbackServer upstream;
    private Gateway plain;
    private Gateway hooked;
    private Gateway requestHooked;

    /** An observer handing each summary to the test; with a hook that sees responses, or one that sees requests. */
    record TestPluginFactory(String id) implements PluginFactory {
        @Override
        public Plugin create(PluginConfig config, PluginContext context) {
            Observer observer = new Observer() {
                @Override
                public void requestFinished(RequestSummary summary, RequestContext ctx) {
                    SUMMARIES.add(summary);
                }
            };
            Hook responseHook = new Hook() {
                @Override
                public HookOutcome<ChatResponse> onResponse(ChatRequest request, ChatResponse response,
                                                            RequestContext ctx) {
                    HOOK_SAW.set(response);
                    return HookOutcome.proceed(response);
                }
            };
            Hook requestHook = new Hook() {
                @Override
                public RequestOutcome onRequest(ChatRequest request, RequestContext ctx) {
                    return RequestOutcome.proceed(request);
                }
            };
            return new Plugin() {
                @Override
                public Optional<Observer> observer() {
                    return Optional.of(observer);
                }

                @Override
                public Optional<Hook> hook() {
                    return switch (id) {
                        case "test-response-hook" -> Optional.of(responseHook);
                        case "test-request-hook" -> Optional.of(requestHook);
                        default -> Optional.empty();
                    };
                }
            };
        }
    }

    @BeforeAll
    void start() throws IOException {
        upstream = LoopbackServer.start(this::serve);
        plain = start("plain", "test-observer");
        hooked = start("hooked", "test-response-hook");
        requestHooked = start("request-hooked", "test-request-hook");
    }

    private Gateway start(String name, String plugin) throws IOException {
        Path config = dir.resolve(name + ".yaml");
        Files.writeString(config, """
                server: { host: 127.0.0.1, port: 0 }
                providers:
                  up: { type: openai-compatible, base-url: "http://127.0.0.1:%d/v1", keys: [ "sk-pass-through" ] }
                plugins:
                  - { id: %s }
                """.formatted(upstream.port(), plugin));
        return Gateway.builder().config(config).port(0).watchConfig(false)
                .factory(new TestPluginFactory("test-observer"))
                .factory(new TestPluginFactory("test-response-hook"))
                .factory(new TestPluginFactory("test-request-hook")).start();
    }

    @AfterAll
    void stop() {
        for (AutoCloseable c : new AutoCloseable[] {plain, hooked, requestHooked, upstream}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                // closing
            }
        }
    }

    /** Answers by the user's message: {@code plain}, {@code no-id} or {@code broken} (not JSON). */
    private void serve(LoopbackServer.Request request, Socket socket) throws IOException {
        String body = new String(request.body(), StandardCharsets.UTF_8);
        String answer = body.contains("\"no-id\"") ? NO_ID : body.contains("\"broken\"") ? "{\"id\":\"x\",\"choi"
                : PLAIN;
        byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
        OutputStream out = socket.getOutputStream();
        out.write(("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: " + bytes.length
                + "\r\nconnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(bytes);
        out.flush();
    }

    private record Answer(int status, String body) {
    }

    private static Answer chat(Gateway gateway, String say) throws IOException {
        String body = "{\"model\":\"up/m-1\",\"messages\":[{\"role\":\"user\",\"content\":\"" + say + "\"}]}";
        HttpURLConnection c = (HttpURLConnection) URI.create(gateway.baseUrl() + "/v1/chat/completions").toURL()
                .openConnection();
        c.setRequestMethod("POST");
        c.setDoOutput(true);
        c.setRequestProperty("content-type", "application/json");
        try (OutputStream out = c.getOutputStream()) {
            out.write(body.getBytes(StandardCharsets.UTF_8));
        }
        int status = c.getResponseCode();
        try (InputStream in = status < 400 ? c.getInputStream() : c.getErrorStream()) {
            return new Answer(status, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    private static RequestSummary summary() throws InterruptedException {
        RequestSummary s = SUMMARIES.poll(10, TimeUnit.SECONDS);
        assertTrue(s != null, "no request summary");
        return s;
    }

    @Test
    void withoutResponseHooksTheUpstreamBytesReachTheClientAndTheUsageIsCounted() throws Exception {
        SUMMARIES.clear();
        Answer a = chat(plain, "plain");
        assertEquals(200, a.status());
        assertEquals(PLAIN, a.body());
        RequestSummary s = summary();
        assertEquals(200, s.status());
        Usage u = s.usage().orElseThrow();
        assertEquals(11, u.promptTokens());
        assertEquals(7, u.completionTokens());
        assertEquals(18, u.totalTokens());
        assertEquals(Optional.of(4L), u.cachedTokens());
        assertEquals(Optional.of(2L), u.reasoningTokens());
        assertEquals(PLAIN.getBytes(StandardCharsets.UTF_8).length, s.bytesOut(), "bytes out counts what was relayed");
        assertEquals(new ResponseInfo(Optional.of("chatcmpl-raw"), Optional.of("m-1"), List.of("stop")), s.response());
    }

    @Test
    void aHookThatSeesOnlyRequestsKeepsTheRelay() throws Exception {
        SUMMARIES.clear();
        assertEquals(PLAIN, chat(requestHooked, "plain").body());
        assertEquals(Optional.of(18L), summary().usage().map(Usage::totalTokens));
    }

    @Test
    void aResponseHookSeesTheAnswerAsAnObjectAndTheClientGetsItEncodedAgain() throws Exception {
        SUMMARIES.clear();
        HOOK_SAW.set(null);
        Answer a = chat(hooked, "plain");
        assertEquals(200, a.status());
        assertNotEquals(PLAIN, a.body());
        assertTrue(a.body().startsWith("{\"id\":\"chatcmpl-raw\""), a.body());
        assertTrue(a.body().contains("\"x_vendor\":{\"a\":[1,2.50]}"), a.body());
        assertEquals("chatcmpl-raw", HOOK_SAW.get().id());
        RequestSummary s = summary();
        assertEquals(Optional.of(18L), s.usage().map(Usage::totalTokens));
        assertEquals(new ResponseInfo(Optional.of("chatcmpl-raw"), Optional.of("m-1"), List.of("stop")), s.response());
    }

    @Test
    void anAnswerThatIsNotThePlainShapeIsDecodedAsBefore() throws Exception {
        SUMMARIES.clear();
        Answer a = chat(plain, "no-id");
        assertEquals(200, a.status());
        assertTrue(a.body().startsWith("{\"id\":\"chatcmpl-unknown\""), a.body());
        assertEquals(Optional.of(4L), summary().usage().map(Usage::totalTokens));
    }

    @Test
    void anAnswerThatIsNotJsonIsABadGatewayAsBefore() throws Exception {
        for (Gateway g : new Gateway[] {plain, hooked}) {
            SUMMARIES.clear();
            Answer a = chat(g, "broken");
            assertEquals(502, a.status(), a.body());
            assertTrue(a.body().startsWith("{\"error\":{"), a.body());
            RequestSummary s = summary();
            assertEquals(502, s.status());
            assertEquals(ResponseInfo.NONE, s.response());
        }
    }
}
