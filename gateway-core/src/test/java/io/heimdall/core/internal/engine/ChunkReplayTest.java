package io.heimdall.core.internal.engine;

import io.heimdall.api.model.ChatChunk;
import io.heimdall.api.model.ChatMessage;
import io.heimdall.api.model.ChatResponse;
import io.heimdall.api.model.Choice;
import io.heimdall.api.model.ChunkChoice;
import io.heimdall.api.model.ChunkDelta;
import io.heimdall.api.model.ContentPart;
import io.heimdall.api.model.FinishReason;
import io.heimdall.api.model.MessageContent;
import io.heimdall.api.model.RawJson;
import io.heimdall.api.model.ThinkingBlock;
import io.heimdall.api.model.ToolCall;
import io.heimdall.api.model.Usage;
import io.heimdall.core.internal.wire.JacksonOpenAiWire;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChunkReplayTest {
    private static final JacksonOpenAiWire WIRE = new JacksonOpenAiWire();
    private static final RawJson GEMINI_SIGNATURE = new RawJson("{\"google\":{\"thought_signature\":\"c2ln\"}}");

    /** Replays and accumulates again, directly and through the wire codec, and checks both give back the response. */
    private static List<ChatChunk> assertRoundTrip(ChatResponse r) {
        List<ChatChunk> chunks = ChunkReplay.chunks(r);
        StreamAccumulator acc = new StreamAccumulator(false);
        chunks.forEach(acc::add);
        assertEquals(r, acc.response());

        ChatResponse viaWire = WIRE.decodeChatResponse(WIRE.encodeChatResponse(r));
        StreamAccumulator wired = new StreamAccumulator(false);
        for (ChatChunk c : chunks) {
            wired.add(WIRE.decodeChunk(new String(WIRE.encodeChunk(c), StandardCharsets.UTF_8)));
        }
        assertEquals(viaWire, wired.response(), "a streamed client sees what a non-streamed one sees");
        return chunks;
    }

    /** What each chunk carries, in order, for checking the replay's shape. */
    private static List<String> shape(List<ChatChunk> chunks) {
        List<String> out = new ArrayList<>();
        for (ChatChunk c : chunks) {
            if (c.choices().isEmpty()) {
                out.add(c.usage().isPresent() ? "usage" : "empty");
                continue;
            }
            assertEquals(1, c.choices().size());
            ChunkChoice ch = c.choices().getFirst();
            ChunkDelta d = ch.delta();
            String what = d.role().isPresent() ? "role"
                    : d.reasoningContent().isPresent() ? "reasoning"
                    : !d.thinkingBlocks().isEmpty() ? thinkingShape(d.thinkingBlocks())
                    : d.content().isPresent() ? "content"
                    : !d.toolCalls().isEmpty() ? (d.toolCalls().getFirst().id().isPresent() ? "tool-start:"
                    : "tool-args:") + d.toolCalls().getFirst().index()
                    : d.refusal().isPresent() ? "refusal"
                    : ch.finishReason().isPresent() ? "finish" : "other";
            out.add(ch.index() + ":" + what);
        }
        return out;
    }

    private static String thinkingShape(List<ThinkingBlock> blocks) {
        assertEquals(1, blocks.size());
        ThinkingBlock b = blocks.getFirst();
        return b.redacted() ? "redacted" : b.signature().isPresent() ? "signature" : "thinking";
    }

    private static ChatResponse response(List<Choice> choices, Usage usage) {
        return ChatResponse.of("chatcmpl-1", 42, "m", choices, usage);
    }

    @Test
    void textOnly() {
        List<ChatChunk> chunks = assertRoundTrip(response(List.of(Choice.of(0, ChatMessage.assistant("Hello"),
                FinishReason.STOP)), null));
        assertEquals(List.of("0:role", "0:content", "0:finish"), shape(chunks));
        assertEquals(Optional.of(""), chunks.getFirst().choices().getFirst().delta().content());
    }

    @Test
    void parallelToolCallsWithExtras() {
        ChatMessage m = ChatMessage.assistantToolCalls(Optional.empty(), List.of(
                new ToolCall("call_a", "function", "weather", "{\"city\":\"Oslo\"}",
                        Map.of("extra_content", GEMINI_SIGNATURE)),
                ToolCall.function("call_b", "time", "")));
        List<ChatChunk> chunks = assertRoundTrip(response(List.of(Choice.of(0, m, FinishReason.TOOL_CALLS)),
                Usage.of(3, 4)));
        assertEquals(List.of("0:role", "0:tool-start:0", "0:tool-args:0", "0:tool-start:1", "0:finish", "usage"),
                shape(chunks));
        ChunkDelta first = chunks.getFirst().choices().getFirst().delta();
        assertTrue(first.writesNull("content"), "a message without content opens with content: null");
        assertEquals(Optional.of(""), chunks.get(1).choices().getFirst().delta().toolCalls().getFirst().arguments());
    }

    @Test
    void reasoningAndSignedThinking() {
        ChatMessage m = ChatMessage.builder("assistant").content("4").reasoningContent("2+2 is 4")
                .addThinkingBlock(new ThinkingBlock("2+2 is 4", Optional.of("EqQB"), Optional.empty(),
                        Map.of("cache_control", new RawJson("{\"type\":\"ephemeral\"}"))))
                .addThinkingBlock(ThinkingBlock.of("", "sigOnly"))
                .addThinkingBlock(ThinkingBlock.of("unsigned at the end", null)).build();
        List<ChatChunk> chunks = assertRoundTrip(response(List.of(Choice.of(0, m, FinishReason.STOP)), null));
        assertEquals(List.of("0:role", "0:reasoning", "0:thinking", "0:signature", "0:signature", "0:thinking",
                "0:content", "0:finish"), shape(chunks));
    }

    @Test
    void redactedThinking() {
        ChatMessage m = ChatMessage.builder("assistant").content("ok")
                .addThinkingBlock(ThinkingBlock.of("unsigned", null))
                .addThinkingBlock(ThinkingBlock.redacted("EmwK"))
                .addThinkingBlock(ThinkingBlock.redacted("second"))
                .addThinkingBlock(ThinkingBlock.of("signed", "s")).build();
        List<ChatChunk> chunks = assertRoundTrip(response(List.of(Choice.of(0, m, FinishReason.STOP)), null));
        assertEquals(List.of("0:role", "0:thinking", "0:redacted", "0:redacted", "0:thinking", "0:signature",
                "0:content", "0:finish"), shape(chunks));
    }

    @Test
    void refusal() {
        ChatMessage m = ChatMessage.builder("assistant").refusal("I can't help with that.").build();
        List<ChatChunk> chunks = assertRoundTrip(response(List.of(Choice.of(0, m, FinishReason.STOP)), null));
        assertEquals(List.of("0:role", "0:refusal", "0:finish"), shape(chunks));
    }

    @Test
    void twoChoicesWithLogprobs() {
        RawJson logprobs = new RawJson("{\"content\":[{\"token\":\"A\",\"logprob\":-0.5,\"bytes\":[65],"
                + "\"top_logprobs\":[]}],\"refusal\":null}");
        List<ChatChunk> chunks = assertRoundTrip(response(List.of(
                new Choice(0, ChatMessage.assistant("A"), Optional.of(FinishReason.STOP), Optional.of(logprobs)),
                Choice.of(1, ChatMessage.assistant("B"), FinishReason.LENGTH)), null));
        assertEquals(List.of("0:role", "0:content", "0:finish", "1:role", "1:content", "1:finish"), shape(chunks));
    }

    @Test
    void usageWithDetailsAndResponseLevelFields() {
        Usage usage = new Usage(10, 20, 30, Optional.of(8L), Optional.of(15L),
                Map.of("prompt_tokens_details", new RawJson("{\"cached_tokens\":8,\"audio_tokens\":0}")));
        ChatResponse r = new ChatResponse("chatcmpl-2", 7, "gpt", List.of(Choice.of(0, ChatMessage.assistant("x"),
                FinishReason.STOP)), Optional.of(usage), Optional.of("fp_9"), Optional.of("priority"),
                Map.of("provider", RawJson.string("openai")));
        List<ChatChunk> chunks = assertRoundTrip(r);
        assertEquals("usage", shape(chunks).getLast());
        for (ChatChunk c : chunks) {
            assertEquals(Optional.of("fp_9"), c.systemFingerprint());
            assertEquals(RawJson.string("priority"), c.extra().get("service_tier"));
        }
    }

    @Test
    void responsesWithoutChoicesOrFinishReason() {
        assertEquals(List.of("usage"), shape(assertRoundTrip(response(List.of(), Usage.of(1, 0)))));
        assertEquals(List.of("empty"), shape(assertRoundTrip(response(List.of(), null))));
        assertEquals(List.of("0:role"), shape(assertRoundTrip(response(List.of(new Choice(0,
                new ChatMessage("assistant", Optional.empty(), Optional.empty(), List.of(), Optional.empty(),
                        Optional.empty(), Map.of()), Optional.empty(), Optional.empty())), null))));
    }

    @Test
    void whatAStreamCannotCarryIsFlattened() {
        ChatMessage parts = ChatMessage.builder("assistant").content(new MessageContent.Parts(List.of(
                ContentPart.text("a"), ContentPart.text("b")))).addThinkingBlock(ThinkingBlock.of("one ", null))
                .addThinkingBlock(ThinkingBlock.of("two", "s")).build();
        StreamAccumulator acc = new StreamAccumulator(false);
        ChunkReplay.chunks(response(List.of(Choice.of(0, parts, FinishReason.STOP)), null)).forEach(acc::add);
        ChatMessage back = acc.response().choices().getFirst().message();
        assertEquals(Optional.of(MessageContent.of("a\nb")), back.content());
        assertEquals(List.of(ThinkingBlock.of("one two", "s")), back.thinkingBlocks());
    }

    // ------------------------------------------------------------------ property: random responses

    @Test
    void randomResponsesRoundTrip() {
        for (long seed = 0; seed < 400; seed++) {
            Random rnd = new Random(seed);
            ChatResponse r = randomResponse(rnd);
            try {
                assertRoundTrip(r);
            } catch (AssertionError e) {
                throw new AssertionError("seed " + seed + ": " + r, e);
            }
        }
    }

    private static final String[] PIECES = {"", "a", "Hello", " ", "\"", "\\", "\n", "é", "😀", "{\"k\":1}", "\t",
            "\u0001", "</s>", "mid word"};

    private static String text(Random rnd) {
        int n = rnd.nextInt(4);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(PIECES[rnd.nextInt(PIECES.length)]);
        }
        return sb.toString();
    }

    private static <T> Optional<T> maybe(Random rnd, T value) {
        return rnd.nextInt(3) == 0 ? Optional.empty() : Optional.of(value);
    }

    private static RawJson json(Random rnd) {
        return switch (rnd.nextInt(5)) {
            case 0 -> RawJson.string(text(rnd));
            case 1 -> new RawJson("{\"a\":[1,2.50,\"" + rnd.nextInt(9) + "\"],\"b\":{\"c\":null}}");
            case 2 -> new RawJson("[{\"type\":\"url_citation\",\"index\":0}]");
            case 3 -> RawJson.NULL;
            default -> new RawJson(Integer.toString(rnd.nextInt(100)));
        };
    }

    private static Map<String, RawJson> extras(Random rnd, String... names) {
        Map<String, RawJson> out = new LinkedHashMap<>();
        for (String name : names) {
            if (rnd.nextInt(3) == 0) {
                out.put(name, json(rnd));
            }
        }
        return out;
    }

    private static ChatResponse randomResponse(Random rnd) {
        int n = rnd.nextInt(10) == 0 ? 0 : 1 + rnd.nextInt(3);
        List<Choice> choices = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            choices.add(new Choice(i, randomMessage(rnd),
                    maybe(rnd, FinishReason.of(List.of("stop", "length", "tool_calls", "x-other").get(rnd.nextInt(4)))),
                    rnd.nextInt(4) == 0 ? Optional.of(new RawJson("{\"content\":[{\"token\":\"t\",\"logprob\":-1.25E-7,"
                            + "\"bytes\":[116],\"top_logprobs\":[]}],\"refusal\":null}")) : Optional.empty()));
        }
        Optional<Usage> usage = maybe(rnd, new Usage(rnd.nextInt(100), rnd.nextInt(100), rnd.nextInt(200),
                maybe(rnd, (long) rnd.nextInt(50)), maybe(rnd, (long) rnd.nextInt(50)),
                extras(rnd, "prompt_tokens_details", "cost")));
        return new ChatResponse("chatcmpl-" + rnd.nextInt(1000), rnd.nextInt(1_000_000), "model-" + rnd.nextInt(3),
                choices, usage, maybe(rnd, "fp_" + rnd.nextInt(9)), maybe(rnd, "default"),
                extras(rnd, "provider", "citations"));
    }

    private static ChatMessage randomMessage(Random rnd) {
        ChatMessage.Builder b = ChatMessage.builder("assistant");
        if (rnd.nextInt(3) > 0) {
            b.content(text(rnd));
        }
        if (rnd.nextInt(8) == 0) {
            b.name("bot-" + text(rnd));
        }
        if (rnd.nextInt(4) == 0) {
            b.refusal(text(rnd));
        }
        if (rnd.nextInt(3) == 0) {
            b.reasoningContent(text(rnd));
        }
        List<ThinkingBlock> blocks = new ArrayList<>();
        for (int i = rnd.nextInt(4); i > 0; i--) {
            Map<String, RawJson> extra = extras(rnd, "cache_control");
            blocks.add(rnd.nextInt(3) == 0
                    ? new ThinkingBlock("", Optional.empty(), Optional.of(text(rnd) + "d"), extra)
                    : new ThinkingBlock(text(rnd), maybe(rnd, "sig" + text(rnd)), Optional.empty(), extra));
        }
        // A stream ends a readable block only with a signature (or a redacted block after it).
        for (int i = 0; i + 1 < blocks.size(); i++) {
            ThinkingBlock cur = blocks.get(i);
            if (!cur.redacted() && cur.signature().isEmpty() && !blocks.get(i + 1).redacted()) {
                blocks.set(i, new ThinkingBlock(cur.thinking(), Optional.of("s"), Optional.empty(), cur.extra()));
            }
        }
        b.thinkingBlocks(blocks);
        for (int i = rnd.nextInt(4) == 0 ? 1 + rnd.nextInt(3) : 0; i > 0; i--) {
            b.addToolCall(new ToolCall(rnd.nextInt(5) == 0 ? "" : "call_" + rnd.nextInt(100), "function",
                    "fn" + rnd.nextInt(5), text(rnd), extras(rnd, "extra_content", "z")));
        }
        b.extra(extras(rnd, "annotations", "audio", "reasoning"));
        return b.build();
    }
}
