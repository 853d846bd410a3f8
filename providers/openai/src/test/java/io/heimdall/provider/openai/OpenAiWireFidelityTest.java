package io.heimdall.provider.openai;

import io.heimdall.api.model.ChatChunk;
import io.heimdall.api.model.ChatRequest;
import io.heimdall.api.model.EmbeddingRequest;
import io.heimdall.api.model.EmbeddingResponse;
import io.heimdall.api.plugin.PluginContext;
import io.heimdall.api.provider.Provider;
import io.heimdall.api.provider.ProviderCall;
import io.heimdall.api.wire.OpenAiWire;
import io.heimdall.core.StandaloneContext;
import io.heimdall.testkit.TestRequestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Through the provider and a real socket: what a client sends reaches the upstream unchanged, and what the upstream
 * answers reaches the client unchanged (reasoning, thinking signatures, cache markers, unknown parts, nulls, digits).
 */
@Timeout(15)
class OpenAiWireFidelityTest {
    private final PluginContext context = StandaloneContext.create("test");
    private final OpenAiWire wire = context.openAiWire();

    private Provider provider(String baseUrl) {
        OpenAiCompatibleProviderFactory factory = new OpenAiCompatibleProviderFactory();
        return factory.create(StandaloneContext.config("providers.test", Map.of("base-url", baseUrl),
                factory.configSpec()), context);
    }

    private static ProviderCall call() {
        return new ProviderCall("test", Optional.empty(), new TestRequestContext(), 1);
    }

    @Test
    void clientRequestReachesTheUpstreamAsSent() throws Exception {
        String client = "{\"model\":\"claude\",\"messages\":["
                + "{\"role\":\"system\",\"content\":[{\"type\":\"text\",\"text\":\"rules\","
                + "\"cache_control\":{\"type\":\"ephemeral\",\"ttl\":\"1h\"}}]},"
                + "{\"role\":\"user\",\"content\":[{\"type\":\"document\",\"source\":{\"type\":\"base64\","
                + "\"media_type\":\"application/pdf\",\"data\":\"JVBE\"},\"title\":\"r\\u00e9sum\\u00e9\"},"
                + "{\"type\":\"input_audio\",\"input_audio\":{\"data\":\"UklG\",\"format\":\"wav\"}}]},"
                + "{\"role\":\"assistant\",\"content\":null,\"reasoning_content\":\"use the tool\","
                + "\"thinking_blocks\":[{\"type\":\"thinking\",\"thinking\":\"use the tool\",\"signature\":\"c2ln\"},"
                + "{\"type\":\"redacted_thinking\",\"data\":\"b3BhcXVl\"}],"
                + "\"tool_calls\":[{\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"f\","
                + "\"arguments\":\"{}\"},\"extra_content\":{\"google\":{\"thought_signature\":\"Q2lR\"}}}]},"
                + "{\"role\":\"tool\",\"content\":\"ok\",\"tool_call_id\":\"call_1\"}],"
                + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"parameters\":{\"type\":\"object\","
                + "\"x-weight\":1.50}},\"cache_control\":{\"type\":\"ephemeral\"}}],"
                + "\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":1024}}";
        String answer = "{\"id\":\"c\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"claude\","
                + "\"choices\":[]}";
        try (RawServer server = new RawServer(r -> RawServer.Reply.json(200, answer))) {
            ChatRequest request = wire.decodeChatRequest(client.getBytes(StandardCharsets.UTF_8));
            provider(server.baseUrl()).chat(request, call());
            assertEquals(client, server.take().body());
        }
    }

    @Test
    void streamedDeltasReachTheClientAsTheUpstreamSentThem() throws Exception {
        String template = "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
                + "\"choices\":[{\"index\":0,\"delta\":%s,\"logprobs\":null,\"finish_reason\":%s}]}";
        List<String> sent = List.of(
                template.formatted("{\"role\":\"assistant\",\"content\":null,\"refusal\":null}", "null"),
                template.formatted("{\"content\":null,\"reasoning_content\":\"Hmm, \"}", "null"),
                template.formatted("{\"thinking_blocks\":[{\"type\":\"thinking\",\"thinking\":\"\","
                        + "\"signature\":\"c2ln\"}]}", "null"),
                template.formatted("{\"content\":\"\"}", "null"),
                template.formatted("{\"tool_calls\":[{\"index\":0,\"id\":\"call_1\",\"type\":\"function\","
                        + "\"function\":{\"name\":\"f\",\"arguments\":\"\"},"
                        + "\"extra_content\":{\"google\":{\"thought_signature\":\"Q2lR\"}}}]}", "null"),
                template.formatted("{\"content\":\"4\",\"reasoning_content\":null}", "null"),
                template.formatted("{}", "\"stop\""),
                "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[],"
                        + "\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":3,\"total_tokens\":12,"
                        + "\"prompt_tokens_details\":{\"cached_tokens\":8},"
                        + "\"completion_tokens_details\":{\"reasoning_tokens\":2}}}");
        String[] events = new String[sent.size() + 1];
        for (int i = 0; i < sent.size(); i++) {
            events[i] = "data: " + sent.get(i) + "\n\n";
        }
        events[sent.size()] = "data: [DONE]\n\n";
        try (RawServer server = new RawServer(r -> RawServer.Reply.sse(events))) {
            List<ChatChunk> chunks = new ArrayList<>();
            ChatRequest request = ChatRequest.builder().model("m")
                    .addMessage(io.heimdall.api.model.ChatMessage.user("2+2?")).stream(true).build();
            provider(server.baseUrl()).stream(request, call(), chunks::add);
            List<String> reEncoded = chunks.stream()
                    .map(c -> new String(wire.encodeChunk(c), StandardCharsets.UTF_8)).toList();
            assertEquals(sent, reEncoded);
        }
    }

    @Test
    void embeddingDigitsReachTheClientAsTheUpstreamSentThem() throws Exception {
        String upstream = "{\"object\":\"list\",\"data\":[{\"object\":\"embedding\",\"index\":0,\"embedding\":"
                + "[0.0023064255,-0.009327292,-0.006929283495992422,0.12345678901234567]}],"
                + "\"model\":\"text-embedding-3-small\",\"usage\":{\"prompt_tokens\":1,\"total_tokens\":1}}";
        try (RawServer server = new RawServer(r -> RawServer.Reply.json(200, upstream))) {
            EmbeddingResponse r = provider(server.baseUrl()).embed(
                    EmbeddingRequest.of("text-embedding-3-small", List.of("x")), call());
            assertEquals(upstream, new String(wire.encodeEmbeddingResponse(r, false), StandardCharsets.UTF_8));
        }
    }
}
