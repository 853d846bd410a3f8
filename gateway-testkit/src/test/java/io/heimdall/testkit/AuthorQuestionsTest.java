package io.heimdall.testkit;

import io.heimdall.api.RequestContext;
import io.heimdall.api.hook.Hook;
import io.heimdall.api.hook.HookOutcome;
import io.heimdall.api.hook.RequestOutcome;
import io.heimdall.api.model.ChatChunk;
import io.heimdall.api.model.ChatRequest;
import io.heimdall.api.model.ChatResponse;
import io.heimdall.api.plugin.ConfigSpec;
import io.heimdall.api.plugin.Plugin;
import io.heimdall.api.plugin.PluginConfig;
import io.heimdall.api.plugin.PluginContext;
import io.heimdall.api.plugin.PluginFactory;
import io.heimdall.core.Gateway;
import io.heimdall.testkit.harness.GatewayHarness;
import io.heimdall.testkit.harness.HttpResult;
import io.heimdall.testkit.harness.StreamResult;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The answers of "Questions plugin authors asked" in {@code docs/writing-a-plugin.md}, checked against a running
 * gateway: response headers (plain and streamed), {@code onResponse} for streams, the logger's name, the
 * {@code heimdall.route} attribute, when {@code close()} is called, and how a failing {@code create} is reported.
 */
class AuthorQuestionsTest {
    /** What the hook saw, shared with the test (one harness per test, so no cross-talk). */
    static final class Seen {
        final List<String> events = new CopyOnWriteArrayList<>();
        final AtomicInteger closed = new AtomicInteger();
    }

    /** A hook that records what the doc's answers are about. */
    static final class Factory implements PluginFactory {
        final Seen seen;

        Factory(Seen seen) {
            this.seen = seen;
        }

        @Override
        public String id() {
            return "questions";
        }

        @Override
        public ConfigSpec configSpec() {
            return ConfigSpec.builder().optional("fail", false, "throw from create").build();
        }

        @Override
        public Plugin create(PluginConfig config, PluginContext context) {
            if (config.bool("fail").orElse(false)) {
                throw new IllegalArgumentException("questions cannot start like this");
            }
            seen.events.add("logger:" + context.logger().getName());
            Hook hook = new Hook() {
                @Override
                public RequestOutcome onRequest(ChatRequest request, RequestContext ctx) {
                    seen.events.add("route:" + ctx.attributes().get("heimdall.route"));
                    ctx.setResponseHeader("x-early", "1");
                    return RequestOutcome.proceed(request);
                }

                @Override
                public HookOutcome<ChatChunk> onChunk(ChatChunk chunk, RequestContext ctx) {
                    try {
                        ctx.setResponseHeader("x-late", "1");
                        seen.events.add("chunk-header:set");
                    } catch (IllegalStateException e) {
                        seen.events.add("chunk-header:refused");
                    }
                    return HookOutcome.proceed(chunk);
                }

                @Override
                public HookOutcome<ChatResponse> onResponse(ChatRequest request, ChatResponse response,
                                                            RequestContext ctx) {
                    seen.events.add("response:" + response.choices().getFirst().message().text());
                    try {
                        ctx.setResponseHeader("x-post", "1");
                    } catch (IllegalStateException e) {
                        seen.events.add("post-header:refused");
                    }
                    return HookOutcome.proceed(response);
                }
            };
            return new Plugin() {
                @Override
                public Optional<Hook> hook() {
                    return Optional.of(hook);
                }

                @Override
                public void close() {
                    seen.closed.incrementAndGet();
                }
            };
        }
    }

    @Test
    void headersOnResponseForStreamsLoggerRouteAndClose() {
        Seen seen = new Seen();
        try (GatewayHarness h = GatewayHarness.withPlugin(new Factory(seen), Map.of()).start()) {
            assertTrue(seen.events.contains("logger:heimdall.plugin.questions"), seen.events::toString);

            HttpResult plain = h.chat(GatewayHarness.MODEL, "plain one");
            assertEquals(200, plain.status(), plain.body());
            assertEquals("1", plain.header("x-early").orElse("-"));
            assertEquals("1", plain.header("x-post").orElse("-"), "a plain response's header may come from onResponse");
            assertTrue(seen.events.contains("route:/v1/chat/completions"), seen.events::toString);

            seen.events.clear();
            HttpResult raw = h.post("/v1/chat/completions", GatewayHarness.chatBody(GatewayHarness.MODEL,
                    "streamed one", true));
            StreamResult stream = StreamResult.of(raw);
            assertTrue(stream.done(), stream.body());
            assertEquals("1", raw.header("x-early").orElse("-"), "onRequest's header goes out with a stream");
            assertEquals("-", raw.header("x-post").orElse("-"), "a stream's headers are gone before onResponse");
            assertTrue(seen.events.contains("post-header:refused"), seen.events::toString);
            List<String> chunkHeader = seen.events.stream().filter(e -> e.startsWith("chunk-header:")).toList();
            assertTrue(chunkHeader.size() >= 2, seen.events::toString);
            assertTrue(chunkHeader.stream().skip(1).allMatch("chunk-header:refused"::equals),
                    "after the first chunk setResponseHeader throws IllegalStateException: " + seen.events);
            assertEquals(List.of("response:" + MockOpenAiServer.echo("streamed one")),
                    seen.events.stream().filter(e -> e.startsWith("response:")).toList(),
                    "onResponse runs once for a stream, on the rebuilt response");
            assertEquals(0, seen.closed.get(), "not closed while in use");
        }
        assertEquals(1, seen.closed.get(), "closed once at shutdown");
    }

    @Test
    void aFailingCreateIsReportedWithTheEntrysPath() {
        GatewayHarness h = GatewayHarness.withPlugin(new Factory(new Seen()), Map.of("fail", true));
        Gateway.GatewayStartException e = assertThrows(Gateway.GatewayStartException.class, h::start);
        assertTrue(e.problems().contains("plugins[0].config: could not be created: questions cannot start like this"),
                e.problems()::toString);
    }
}
