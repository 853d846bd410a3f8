package io.heimdall.testkit.tck;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.heimdall.api.model.ChatChunk;
import io.heimdall.api.model.ChunkChoice;
import io.heimdall.api.model.ToolCall;
import io.heimdall.api.model.ToolCallDelta;
import io.heimdall.api.model.Usage;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Checks on a canonical chunk stream as the OpenAI clients read it: the role on the first chunk, content joined in
 * order, exactly one finish reason, and tool-call deltas that a client can reassemble (a stable {@code index} per call,
 * {@code id} and {@code name} on each call's first delta only, argument fragments after). Public so provider tests can
 * apply the same checks to their own streams.
 */
public final class StreamChecks {
    private static final ObjectMapper JSON = new ObjectMapper();

    private StreamChecks() {
    }

    /** Asserts the first chunk with a choice carries role {@code assistant}. */
    public static void assertRoleFirst(List<ChatChunk> chunks) {
        ChatChunk first = chunks.stream().filter(c -> !c.choices().isEmpty()).findFirst()
                .orElseThrow(() -> new AssertionError("no chunk with a choice: " + chunks));
        assertEquals(Optional.of("assistant"), first.choices().getFirst().delta().role(), "role on the first chunk");
    }

    /** The content deltas of choice 0 joined in order. */
    public static String content(List<ChatChunk> chunks) {
        StringBuilder sb = new StringBuilder();
        for (ChatChunk c : chunks) {
            for (ChunkChoice choice : c.choices()) {
                choice.delta().content().ifPresent(sb::append);
            }
        }
        return sb.toString();
    }

    /** How many chunks carry non-empty content. */
    public static int contentChunks(List<ChatChunk> chunks) {
        int n = 0;
        for (ChatChunk c : chunks) {
            for (ChunkChoice choice : c.choices()) {
                if (choice.delta().content().filter(s -> !s.isEmpty()).isPresent()) {
                    n++;
                }
            }
        }
        return n;
    }

    /** The one finish reason of the stream; fails when there is none or more than one. */
    public static String onlyFinishReason(List<ChatChunk> chunks) {
        List<String> reasons = new ArrayList<>();
        for (ChatChunk c : chunks) {
            for (ChunkChoice choice : c.choices()) {
                choice.finishReason().ifPresent(r -> reasons.add(r.value()));
            }
        }
        assertEquals(1, reasons.size(), "finish reasons in the stream: " + reasons);
        return reasons.getFirst();
    }

    /** The usage of the stream's usage chunk, if any. */
    public static Optional<Usage> usage(List<ChatChunk> chunks) {
        Optional<Usage> out = Optional.empty();
        for (ChatChunk c : chunks) {
            if (c.usage().isPresent()) {
                out = c.usage();
            }
        }
        return out;
    }

    /**
     * Reassembles the streamed tool calls as a client does, checking on the way that each call's first delta carries
     * its id and name, later deltas carry neither a different id nor a name, and indexes start at 0 and are dense.
     */
    public static List<ToolCall> toolCalls(List<ChatChunk> chunks) {
        Map<Integer, String[]> calls = new TreeMap<>();
        for (ChatChunk c : chunks) {
            for (ChunkChoice choice : c.choices()) {
                for (ToolCallDelta d : choice.delta().toolCalls()) {
                    String[] call = calls.get(d.index());
                    if (call == null) {
                        assertTrue(d.id().isPresent(), "id on the first delta of call " + d.index());
                        assertTrue(d.name().isPresent(), "name on the first delta of call " + d.index());
                        calls.put(d.index(), new String[]{d.id().get(), d.name().get(),
                                d.arguments().orElse("")});
                    } else {
                        d.id().ifPresent(id -> assertEquals(call[0], id, "id changed within call " + d.index()));
                        assertFalse(d.name().isPresent(), "name repeated on a later delta of call " + d.index());
                        call[2] += d.arguments().orElse("");
                    }
                }
            }
        }
        List<ToolCall> out = new ArrayList<>();
        int expected = 0;
        for (Map.Entry<Integer, String[]> e : calls.entrySet()) {
            assertEquals(expected++, e.getKey(), "tool call indexes are dense from 0");
            out.add(ToolCall.function(e.getValue()[0], e.getValue()[1], e.getValue()[2]));
        }
        return out;
    }

    /** Asserts two JSON texts denote the same value (key order and spacing aside). */
    public static void assertSameJson(String expected, String actual) {
        try {
            JsonNode a = JSON.readTree(expected);
            JsonNode b = JSON.readTree(actual);
            assertEquals(a, b, "JSON differs: " + actual);
        } catch (IOException e) {
            fail("not JSON: " + actual, e);
        }
    }
}
