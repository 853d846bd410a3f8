package io.heimdall.provider.bedrock;

import io.heimdall.api.RequestContext;
import io.heimdall.api.model.ChatChunk;
import io.heimdall.api.model.ChatMessage;
import io.heimdall.api.model.ChatRequest;
import io.heimdall.api.model.ChatResponse;
import io.heimdall.core.Gateway;
import io.heimdall.testkit.tck.Reply;
import io.heimdall.testkit.tck.SeenRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The whole pipeline in process: an alias whose first target answers 529 (the mock provider, as an overloaded
 * Anthropic would) falls back to Bedrock, with the same request id, for whole answers and streams.
 */
class BedrockFallbackTest {
    @TempDir
    static Path dir;
    static BedrockUpstream upstream;
    static Gateway gateway;

    @BeforeAll
    static void start() throws Exception {
        upstream = new BedrockUpstream(BedrockProviderTest.KEY_ID, BedrockProviderTest.SECRET, "eu-west-1");
        Path config = dir.resolve("heimdall.yaml");
        Files.writeString(config, """
                server: { host: 127.0.0.1, port: 0 }
                routing:
                  retries: { max: 0 }
                providers:
                  overloaded: { type: mock, failure-status: 529 }
                  bedrock:
                    type: bedrock
                    region: eu-west-1
                    base-url: "%s"
                    keys:
                      - { name: k1, access-key-id: "%s", secret-access-key: "%s" }
                models:
                  claude:
                    targets: [ overloaded/claude ]
                    fallbacks: [ "bedrock/anthropic.claude-3-haiku-20240307-v1:0" ]
                """.formatted(upstream.baseUrl(), BedrockProviderTest.KEY_ID, BedrockProviderTest.SECRET));
        gateway = Gateway.builder().config(config).http(false).watchConfig(false).start();
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
        upstream.close();
    }

    @Test
    void anOverloadedFirstTargetFallsBackToBedrockWithTheSameRequestId() {
        upstream.reset();
        upstream.enqueue(Reply.text("from bedrock"));
        ChatRequest request = ChatRequest.builder().model("claude").addMessage(ChatMessage.user("hi")).build();
        RequestContext context = gateway.newContext("req-fallback-1", Instant.now().plusSeconds(20));
        ChatResponse response = gateway.pipeline().chat(request, context);
        assertEquals("from bedrock", response.firstText());
        SeenRequest seen = upstream.requests().getFirst();
        assertEquals("anthropic.claude-3-haiku-20240307-v1:0", seen.model());
        assertEquals("req-fallback-1", seen.header("x-request-id").orElseThrow());
        assertEquals(List.of(), upstream.signatureProblems());
    }

    @Test
    void aStreamFallsBackBeforeItsFirstChunk() {
        upstream.reset();
        upstream.enqueue(Reply.text("streamed from bedrock"));
        ChatRequest request = ChatRequest.builder().model("claude").addMessage(ChatMessage.user("hi")).stream(true)
                .build();
        List<ChatChunk> chunks = new ArrayList<>();
        gateway.pipeline().stream(request, gateway.newContext("req-fallback-2", Instant.now().plusSeconds(20)),
                chunks::add);
        assertEquals("streamed from bedrock", chunks.stream().flatMap(c -> c.choices().stream())
                .map(c -> c.delta().content().orElse("")).reduce("", String::concat));
        assertEquals("req-fallback-2", upstream.requests().getFirst().header("x-request-id").orElseThrow());
    }
}
