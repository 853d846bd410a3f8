package io.heimdall.testkit.tck;

import io.heimdall.api.model.ChatChunk;
import io.heimdall.api.model.ChatMessage;
import io.heimdall.api.model.ChatRequest;
import io.heimdall.api.model.ChatResponse;
import io.heimdall.api.model.FinishReason;
import io.heimdall.api.model.StreamOptions;
import io.heimdall.api.model.ToolCall;
import io.heimdall.api.model.ToolCallDelta;
import io.heimdall.api.model.ToolChoice;
import io.heimdall.testkit.MockOpenAiServer;
import io.heimdall.testkit.RecordedRequest;
import io.heimdall.testkit.TestRequestContext;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The successful-answer part of {@link OpenAiWireProviderContract}: chat echo with usage and finish reason, escaped and
 * non-ASCII text, whole conversations, streaming order and the usage chunk, and tool calls, whole and streamed. Not
 * extended directly: provider tests extend {@link OpenAiWireProviderContract}.
 */
public abstract class OpenAiWireChatContract extends OpenAiWireContractBase {
    OpenAiWireChatContract() {
    }

    // ------------------------------------------------------------------ chat

    /** A plain chat request gets the echo, finish reason {@code stop} and the upstream's usage. */
    @Test
    public void chatReturnsEchoWithUsageAndStop() {
        ChatResponse response = provider().chat(chat("Hello from the contract", false), call(new TestRequestContext()));

        String echo = MockOpenAiServer.echo("Hello from the contract");
        assertEquals(echo, response.firstText());
        assertEquals(1, response.choices().size(), "choices");
        assertEquals("assistant", response.choices().getFirst().message().role());
        assertEquals(Optional.of(FinishReason.STOP), response.choices().getFirst().finishReason());
        assertTrue(response.id().startsWith("chatcmpl-"), "upstream id kept: " + response.id());
        assertEquals(MODEL, response.model());
        assertUsage(response.usage(), words("Hello from the contract") + 4, words(echo));

        RecordedRequest sent = onlyRequest();
        assertEquals("POST", sent.method());
        assertEquals(upstreamPath("/v1/chat/completions"), sent.path());
        assertTrue(sent.header("content-type").orElse("").startsWith("application/json"),
                "content-type: " + sent.header("content-type"));
        assertEquals(Optional.of(MODEL), sent.jsonValue("/model"));
        assertEquals(Optional.of("user"), sent.jsonValue("/messages/0/role"));
        assertEquals(Optional.of("Hello from the contract"), sent.jsonValue("/messages/0/content"));
        assertFalse(sent.jsonValue("/stream").map(Boolean::parseBoolean).orElse(false), "stream must not be true");
    }

    /** Text that needs escaping and non-ASCII text survive the round trip, in the request and in the reply. */
    @Test
    public void chatKeepsEscapedAndUnicodeText() {
        ChatResponse response = provider().chat(chat(TRICKY_TEXT, false), call(new TestRequestContext()));

        assertEquals(MockOpenAiServer.echo(TRICKY_TEXT), response.firstText());
        assertEquals(Optional.of(TRICKY_TEXT), onlyRequest().jsonValue("/messages/0/content"));
    }

    /** Every message of the conversation is sent; the echo answers the last user message. */
    @Test
    public void chatSendsTheWholeConversation() {
        ChatRequest request = ChatRequest.builder().model(MODEL)
                .addMessage(ChatMessage.system("You are terse."))
                .addMessage(ChatMessage.user("first question"))
                .addMessage(ChatMessage.assistant("first answer"))
                .addMessage(ChatMessage.user("second question"))
                .build();

        ChatResponse response = provider().chat(request, call(new TestRequestContext()));

        assertEquals(MockOpenAiServer.echo("second question"), response.firstText());
        RecordedRequest sent = onlyRequest();
        assertEquals(Optional.of("system"), sent.jsonValue("/messages/0/role"));
        assertEquals(Optional.of("first answer"), sent.jsonValue("/messages/2/content"));
        assertEquals(Optional.of("second question"), sent.jsonValue("/messages/3/content"));
        assertUsage(response.usage(), words("You are terse. first question first answer second question") + 16,
                words(response.firstText()));
    }

    // ------------------------------------------------------------------ streaming

    /** A stream delivers the role first, then the text in order in several chunks, then finish reason stop. */
    @Test
    public void streamDeliversRoleAndContentInOrder() {
        String text = "stream these five words";
        List<ChatChunk> chunks = new ArrayList<>();

        provider().stream(chat(text, true), call(new TestRequestContext()), chunks::add);

        String echo = MockOpenAiServer.echo(text);
        List<ChatChunk> withChoices = chunks.stream().filter(c -> !c.choices().isEmpty()).toList();
        assertFalse(withChoices.isEmpty(), "no chunk with choices");
        assertEquals(Optional.of("assistant"), withChoices.getFirst().choices().getFirst().delta().role(),
                "the first chunk carries the role");
        assertEquals(echo, content(chunks));
        long contentChunks = withChoices.stream()
                .filter(c -> c.choices().getFirst().delta().content().filter(s -> !s.isEmpty()).isPresent())
                .count();
        assertEquals(words(echo), contentChunks, "one chunk per upstream chunk: the stream must not be buffered");
        assertFinishesWith(withChoices, FinishReason.STOP);
        String id = chunks.getFirst().id();
        assertTrue(id.startsWith("chatcmpl-"), "upstream id kept: " + id);
        assertTrue(chunks.stream().allMatch(c -> c.id().equals(id)), "every chunk has the stream's id");

        RecordedRequest sent = onlyRequest();
        assertEquals(upstreamPath("/v1/chat/completions"), sent.path());
        assertEquals(Optional.of("true"), sent.jsonValue("/stream"));
    }

    /** With {@code include_usage} the stream ends with a chunk that has usage and no choices. */
    @Test
    public void streamEndsWithUsageChunkWhenAsked() {
        String text = "count my tokens";
        ChatRequest request = chat(text, true).toBuilder().streamOptions(new StreamOptions(true, Map.of())).build();
        List<ChatChunk> chunks = new ArrayList<>();

        provider().stream(request, call(new TestRequestContext()), chunks::add);

        ChatChunk last = chunks.getLast();
        assertTrue(last.choices().isEmpty(), "the usage chunk has no choices");
        assertUsage(last.usage(), words(text) + 4, words(MockOpenAiServer.echo(text)));
        assertEquals(MockOpenAiServer.echo(text), content(chunks));
        assertFinishesWith(chunks.stream().filter(c -> !c.choices().isEmpty()).toList(), FinishReason.STOP);
        assertEquals(Optional.of("true"), onlyRequest().jsonValue("/stream_options/include_usage"));
    }

    /** Escaped and non-ASCII text survives streaming. */
    @Test
    public void streamKeepsEscapedAndUnicodeText() {
        List<ChatChunk> chunks = new ArrayList<>();

        provider().stream(chat(TRICKY_TEXT, true), call(new TestRequestContext()), chunks::add);

        assertEquals(MockOpenAiServer.echo(TRICKY_TEXT), content(chunks));
    }

    // ------------------------------------------------------------------ tools

    /** A request with tools gets a tool call with id, name and the complete arguments, finish reason tool_calls. */
    @Test
    public void chatReturnsToolCall() {
        ChatResponse response = provider().chat(withTools(chat(TRICKY_TEXT, false)), call(new TestRequestContext()));

        List<ToolCall> calls = response.choices().getFirst().message().toolCalls();
        assertEquals(1, calls.size(), "tool calls: " + calls);
        ToolCall tc = calls.getFirst();
        assertTrue(tc.id().startsWith("call_"), "tool call id: " + tc.id());
        assertEquals("function", tc.type());
        assertEquals("lookup", tc.name());
        assertEquals(MockOpenAiServer.toolArguments(TRICKY_TEXT), tc.arguments());
        assertEquals(Optional.of(FinishReason.TOOL_CALLS), response.choices().getFirst().finishReason());
        assertEquals("", response.firstText(), "no text with the tool call");

        RecordedRequest sent = onlyRequest();
        assertEquals(Optional.of("function"), sent.jsonValue("/tools/0/type"));
        assertEquals(Optional.of("lookup"), sent.jsonValue("/tools/0/function/name"));
        assertEquals(Optional.of("object"), sent.jsonValue("/tools/0/function/parameters/type"));
        assertEquals(Optional.of("query"), sent.jsonValue("/tools/0/function/parameters/required/0"));
    }

    /** A streamed tool call arrives as deltas: the first with index, id and name, the rest appending arguments. */
    @Test
    public void streamDeliversToolCallDeltas() {
        List<ChatChunk> chunks = new ArrayList<>();

        provider().stream(withTools(chat(TRICKY_TEXT, true)), call(new TestRequestContext()), chunks::add);

        List<ToolCallDelta> deltas = chunks.stream()
                .flatMap(c -> c.choices().stream())
                .flatMap(c -> c.delta().toolCalls().stream())
                .toList();
        assertTrue(deltas.size() > 2, "arguments arrive in several fragments: " + deltas.size());
        ToolCallDelta first = deltas.getFirst();
        assertEquals(0, first.index());
        assertTrue(first.id().orElse("").startsWith("call_"), "first delta has the id: " + first);
        assertEquals(Optional.of("lookup"), first.name());
        assertTrue(deltas.stream().allMatch(d -> d.index() == 0), "one call, index 0");
        String arguments = deltas.stream().map(d -> d.arguments().orElse("")).collect(Collectors.joining());
        assertEquals(MockOpenAiServer.toolArguments(TRICKY_TEXT), arguments);
        assertFinishesWith(chunks.stream().filter(c -> !c.choices().isEmpty()).toList(), FinishReason.TOOL_CALLS);
    }

    /** {@code tool_choice: none} is forwarded: the model answers with text. */
    @Test
    public void toolChoiceNoneIsForwarded() {
        ChatRequest request = withTools(chat("no tools please", false)).toBuilder()
                .toolChoice(ToolChoice.mode("none")).build();

        ChatResponse response = provider().chat(request, call(new TestRequestContext()));

        assertEquals(MockOpenAiServer.echo("no tools please"), response.firstText());
        assertTrue(response.choices().getFirst().message().toolCalls().isEmpty());
        assertEquals(Optional.of("none"), onlyRequest().jsonValue("/tool_choice"));
    }
}
