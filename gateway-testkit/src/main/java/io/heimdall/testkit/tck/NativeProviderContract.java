package io.heimdall.testkit.tck;

import io.heimdall.api.model.ChatChunk;
import io.heimdall.api.model.ChatMessage;
import io.heimdall.api.model.ChatRequest;
import io.heimdall.api.model.ChatResponse;
import io.heimdall.api.model.ContentPart;
import io.heimdall.api.model.MessageContent;
import io.heimdall.api.model.RawJson;
import io.heimdall.api.model.ResponseFormat;
import io.heimdall.api.model.StreamOptions;
import io.heimdall.api.model.Tool;
import io.heimdall.api.model.ToolCall;
import io.heimdall.api.model.ToolChoice;
import io.heimdall.api.model.Usage;
import io.heimdall.api.provider.Capability;
import io.heimdall.api.provider.Provider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The contract every provider whose upstream speaks a native (non-OpenAI) wire format must pass: the same canonical
 * requests for every provider, the same canonical answers expected. A provider test extends it, starts a
 * {@link NativeUpstream} that speaks the provider's documented wire format, and creates the provider against it. Tests
 * of optional features run only when {@link Provider#capabilities(String)} declares them for {@link #model()}.
 *
 * <p>Stream checks (chunk order, tool-call deltas, finish reasons) are in {@link StreamChecks}; failure mapping and
 * key hygiene in {@link NativeFailureContract}, which this class extends.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 15, unit = TimeUnit.SECONDS)
public abstract class NativeProviderContract extends NativeFailureContract {
    /** For subclasses. */
    protected NativeProviderContract() {
    }

    @Test
    void textChatCarriesSystemPromptAndSamplingParameters() {
        upstream().enqueue(new Reply.Text(List.of("Hello", " there"), "stop", Usage.of(12, 5)));
        ChatRequest request = ChatRequest.builder().model(model())
                .addMessage(ChatMessage.system("Be brief."))
                .addMessage(ChatMessage.user(TRICKY_TEXT))
                .temperature(0.25).topP(0.5).maxTokens(77).stop(List.of("END")).build();
        ChatResponse response = provider().chat(request, call());
        assertEquals("Hello there", response.firstText());
        assertEquals("assistant", response.choices().getFirst().message().role());
        assertEquals("stop", response.choices().getFirst().finishReason().orElseThrow().value());
        Usage usage = response.usage().orElseThrow();
        assertEquals(12, usage.promptTokens(), "prompt tokens");
        assertEquals(5, usage.completionTokens(), "completion tokens");
        assertEquals(17, usage.totalTokens(), "total tokens");
        SeenRequest seen = onlyRequest();
        assertEquals(model(), seen.model());
        assertEquals("Be brief.", seen.system());
        assertEquals(List.of("user"), roles(seen));
        assertEquals(TRICKY_TEXT, seen.messages().getFirst().text());
        assertEquals(Optional.of(0.25), seen.temperature());
        assertEquals(Optional.of(0.5), seen.topP());
        assertEquals(Optional.of(77), seen.maxTokens());
        assertEquals(List.of("END"), seen.stop());
        assertFalse(seen.stream());
    }

    @Test
    void lengthFinishIsMapped() {
        upstream().enqueue(new Reply.Text(List.of("cut"), "length", Usage.of(3, 1)));
        ChatResponse response = provider().chat(userChat("hi"), call());
        assertEquals("length", response.choices().getFirst().finishReason().orElseThrow().value());
    }

    @Test
    void streamedTextArrivesPieceByPieceWithUsage() {
        requires(Capability.STREAMING);
        upstream().enqueue(new Reply.Text(List.of("Hel", "lo", " wor", "ld"), "stop", Usage.of(9, 4)));
        ChatRequest request = userChat("hi").toBuilder().stream(true)
                .streamOptions(new StreamOptions(true, Map.of())).build();
        List<ChatChunk> chunks = stream(request);
        StreamChecks.assertRoleFirst(chunks);
        assertEquals("Hello world", StreamChecks.content(chunks));
        assertTrue(StreamChecks.contentChunks(chunks) >= 4, "one chunk at least per native delta: " + chunks);
        assertEquals("stop", StreamChecks.onlyFinishReason(chunks));
        Usage usage = StreamChecks.usage(chunks).orElseThrow(() -> new AssertionError("no usage chunk: " + chunks));
        assertEquals(9, usage.promptTokens());
        assertEquals(4, usage.completionTokens());
        assertTrue(onlyRequest().stream(), "the upstream was asked for a stream");
    }

    @Test
    void aToolCallComesBackWhole() {
        requires(Capability.TOOLS);
        upstream().enqueue(new Reply.ToolCalls("", List.of(new Reply.ToolCalls.Call("call_a1", "lookup",
                List.of("{\"query\":", "\"Paris\"}"))), Usage.of(20, 8)));
        ChatRequest request = withTools(userChat("weather?")).toBuilder().toolChoice(ToolChoice.mode("auto")).build();
        ChatResponse response = provider().chat(request, call());
        ChatMessage message = response.choices().getFirst().message();
        assertEquals(1, message.toolCalls().size(), "tool calls: " + message.toolCalls());
        ToolCall toolCall = message.toolCalls().getFirst();
        if (upstreamAssignsToolCallIds()) {
            assertEquals("call_a1", toolCall.id());
        } else {
            assertFalse(toolCall.id().isBlank(), "the provider invents an id");
        }
        assertEquals("lookup", toolCall.name());
        StreamChecks.assertSameJson("{\"query\":\"Paris\"}", toolCall.arguments());
        assertEquals("tool_calls", response.choices().getFirst().finishReason().orElseThrow().value());
        SeenRequest seen = onlyRequest();
        assertEquals(List.of("lookup", "other"), seen.toolNames());
        assertEquals("auto", seen.toolChoice());
    }

    @Test
    void parallelToolCallsStreamWithStableIndexesAndFragments() {
        requires(Capability.STREAMING);
        requires(Capability.TOOLS);
        upstream().enqueue(new Reply.ToolCalls("Let me check.", List.of(
                new Reply.ToolCalls.Call("call_p1", "lookup", List.of("{\"qu", "ery\":\"Pa", "ris\"}")),
                new Reply.ToolCalls.Call("call_p2", "other", List.of("{\"query\":", "\"Ro", "me\"}"))),
                Usage.of(30, 12)));
        List<ChatChunk> chunks = stream(withTools(userChat("two cities")).toBuilder().stream(true).build());
        StreamChecks.assertRoleFirst(chunks);
        List<ToolCall> calls = StreamChecks.toolCalls(chunks);
        assertEquals(2, calls.size(), "calls: " + calls);
        assertEquals("lookup", calls.get(0).name());
        assertEquals("other", calls.get(1).name());
        StreamChecks.assertSameJson("{\"query\":\"Paris\"}", calls.get(0).arguments());
        StreamChecks.assertSameJson("{\"query\":\"Rome\"}", calls.get(1).arguments());
        if (upstreamAssignsToolCallIds()) {
            assertEquals(List.of("call_p1", "call_p2"), calls.stream().map(ToolCall::id).toList());
        } else {
            assertFalse(calls.get(0).id().equals(calls.get(1).id()), "distinct invented ids");
        }
        assertEquals("tool_calls", StreamChecks.onlyFinishReason(chunks));
    }

    @Test
    void multiTurnWithToolResultsKeepsTheConversation() {
        requires(Capability.TOOLS);
        String id = "call_mt1";
        ChatRequest request = withTools(ChatRequest.builder().model(model())
                .addMessage(ChatMessage.system("sys"))
                .addMessage(ChatMessage.user("What is in Paris?"))
                .addMessage(ChatMessage.assistantToolCalls(Optional.empty(),
                        List.of(ToolCall.function(id, "lookup", "{\"query\":\"Paris\"}"))))
                .addMessage(ChatMessage.tool(id, "{\"answer\":\"the Louvre\"}"))
                .addMessage(ChatMessage.user("And then?")).build());
        provider().chat(request, call());
        SeenRequest seen = onlyRequest();
        assertEquals("sys", seen.system());
        assertEquals(List.of("user", "assistant", "tool", "user"), roles(seen));
        assertEquals("What is in Paris?", seen.messages().get(0).text());
        String expected = upstreamAssignsToolCallIds() ? id : "lookup";
        assertEquals(List.of(expected), seen.messages().get(1).toolCallIds());
        assertEquals(expected, seen.messages().get(2).toolResultFor());
        assertTrue(seen.messages().get(2).text().contains("the Louvre"), "tool result text");
        assertEquals("And then?", seen.messages().get(3).text());
    }

    @Test
    void aBase64ImageReachesTheUpstream() {
        requires(Capability.VISION);
        ChatMessage user = ChatMessage.builder("user").content(new MessageContent.Parts(List.of(
                ContentPart.text("What is this?"),
                new ContentPart.Image("data:image/png;base64," + PNG_1X1, Optional.empty())))).build();
        provider().chat(ChatRequest.builder().model(model()).addMessage(user).build(), call());
        SeenMessage seen = onlyRequest().messages().getFirst();
        assertEquals(1, seen.images());
        assertEquals("What is this?", seen.text());
    }

    @Test
    void jsonSchemaResponseFormatReachesTheUpstream() {
        requires(Capability.JSON_MODE);
        upstream().enqueue(Reply.text("{\"city\":\"Paris\"}"));
        ResponseFormat format = new ResponseFormat("json_schema", Optional.of("city"),
                Optional.of(new RawJson(TOOL_SCHEMA)), Optional.of(true));
        ChatResponse response = provider().chat(userChat("city?").toBuilder().responseFormat(format).build(), call());
        StreamChecks.assertSameJson("{\"city\":\"Paris\"}", response.firstText());
        assertEquals("json_schema", onlyRequest().responseFormat());
    }

    // ------------------------------------------------------------------ helpers

    /** Streams a request into a list. */
    protected final List<ChatChunk> stream(ChatRequest request) {
        List<ChatChunk> chunks = new ArrayList<>();
        provider().stream(request, call(), chunks::add);
        return chunks;
    }

    private static List<String> roles(SeenRequest seen) {
        return seen.messages().stream().map(SeenMessage::role).toList();
    }

    /** A 1x1 transparent PNG, base64. */
    static final String PNG_1X1 =
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";

    static ChatRequest withTools(ChatRequest request) {
        return request.toBuilder().tools(List.of(
                Tool.function("lookup", "Looks a query up", new RawJson(TOOL_SCHEMA)),
                Tool.function("other", "Looks elsewhere", new RawJson(TOOL_SCHEMA)))).build();
    }
}
