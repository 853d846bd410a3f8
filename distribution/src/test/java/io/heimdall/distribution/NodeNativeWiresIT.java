package io.heimdall.distribution;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.heimdall.api.model.Usage;
import io.heimdall.distribution.NativeWires.Target;
import io.heimdall.testkit.tck.Reply;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 7's "Checked by" with the official OpenAI Node SDK ({@code openai} on npm):
 * {@code src/test/node/native-check.mjs} drives the packaged {@code bin/heimdall} of {@link NativeWires} (anthropic,
 * bedrock with event-stream frames, gemini, vertex with Gemini and Claude, cohere, azure-openai). It first asks the
 * OpenAI-shaped reference upstream; each native mock is then scripted with what the SDK saw there, and the SDK's view
 * of every native target — a plain chat and a streamed tool call through the SDK's stream helper, chunk by chunk and
 * accumulated — is compared with the reference's field by field. Skipped (not passed) when node/npm are missing or
 * the SDK cannot be installed.
 */
@Timeout(120)
class NodeNativeWiresIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path tmp;
    static NativeWires wires;
    /** What the SDK saw of the reference: {@code plain} and {@code streamedToolCall}. */
    static JsonNode reference;
    /** The same, per native target model. */
    static JsonNode seen;

    static Stream<Target> targets() {
        return wires.targets().stream();
    }

    @BeforeAll
    static void run() throws Exception {
        Path project = NodeClientIT.sdkProject().orElse(null);
        assumeTrue(project != null, "node is not installed, or the OpenAI Node SDK could not be installed with npm ci");
        wires = NativeWires.start(tmp);
        reference = node(project, List.of(NativeWires.REFERENCE)).get(NativeWires.REFERENCE);

        JsonNode plain = reference.get("plain");
        Usage plainUsage = Usage.of(plain.at("/usage/prompt").asLong(), plain.at("/usage/completion").asLong());
        JsonNode tool = reference.get("streamedToolCall");
        JsonNode call = tool.at("/toolCalls/0");
        List<String> fragments = new ArrayList<>();
        Usage toolUsage = Usage.of(0, 0);
        for (JsonNode chunk : tool.get("chunks")) {
            chunk.get("toolCalls").forEach(t -> {
                if (!t.get("arguments").asText("").isEmpty()) {
                    fragments.add(t.get("arguments").asText());
                }
            });
            if (!chunk.get("usage").isNull()) {
                toolUsage = Usage.of(chunk.at("/usage/prompt").asLong(), chunk.at("/usage/completion").asLong());
            }
        }
        Usage streamedUsage = toolUsage;
        assertAll("the reference is worth comparing with",
                () -> assertFalse(plain.get("content").asText("").isEmpty()),
                () -> assertTrue(plainUsage.totalTokens() > 0 && streamedUsage.totalTokens() > 0),
                () -> assertTrue(fragments.size() > 1, "arguments in several deltas: " + fragments));
        for (Target t : wires.targets()) {
            t.upstream().ifPresent(u -> {
                u.enqueue(new Reply.Text(List.of(plain.get("content").asText()), "stop", plainUsage));
                u.enqueue(new Reply.ToolCalls("", List.of(new Reply.ToolCalls.Call(call.get("id").asText(),
                        call.get("name").asText(), fragments)), streamedUsage));
            });
        }
        seen = node(project, wires.targets().stream().map(Target::model).toList());
    }

    /** Runs native-check.mjs for these models; what it printed. */
    private static JsonNode node(Path project, List<String> models) throws Exception {
        List<String> command = new ArrayList<>(List.of("node", "native-check.mjs", wires.baseUrl() + "/v1"));
        command.addAll(models);
        Process p = new ProcessBuilder(command).directory(project.toFile()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the Node client did not finish");
        assertEquals(0, p.exitValue(), "node native-check.mjs failed:\n" + output);
        return JSON.readTree(output.strip().lines().reduce((a, b) -> b).orElse("{}"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (wires != null) {
            wires.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("targets")
    void plainChatMatchesTheReference(Target target) {
        JsonNode want = reference.get("plain");
        JsonNode got = seen.at("/" + escape(target.model()) + "/plain");
        assertAll(target.model(),
                () -> assertFalse(got.isMissingNode(), "no answer"),
                () -> assertEquals(1, got.get("choices").asInt()),
                () -> assertFalse(got.get("id").asText("").isEmpty(), "an id"),
                () -> {
                    for (String field : List.of("object", "index", "role", "content", "toolCalls", "finish", "usage")) {
                        assertEquals(want.get(field), got.get(field), field);
                    }
                });
        wires.assertNativeRequest(target, 2, 0, false, "Hello through every wire");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("targets")
    void streamedToolCallMatchesTheReference(Target target) throws Exception {
        JsonNode want = reference.get("streamedToolCall");
        JsonNode got = seen.at("/" + escape(target.model()) + "/streamedToolCall");
        assertFalse(got.isMissingNode(), target.model() + ": no answer");
        assertEquals(1, got.get("toolCalls").size(), target.model());
        JsonNode wantCall = want.at("/toolCalls/0");
        JsonNode gotCall = got.at("/toolCalls/0");
        assertAll(target.model(),
                () -> assertEquals(wantCall.get("name"), gotCall.get("name")),
                () -> assertEquals(wantCall.get("type"), gotCall.get("type")),
                () -> assertEquals(JSON.readTree(wantCall.get("arguments").asText()),
                        JSON.readTree(gotCall.get("arguments").asText())),
                () -> assertEquals(target.sameToolCallId() ? wantCall.get("id") : gotCall.get("id"), gotCall.get("id"),
                        "tool call id"),
                () -> assertFalse(gotCall.get("id").asText("").isEmpty()),
                () -> assertEquals(want.get("content"), got.get("content")),
                () -> assertEquals(want.get("finish"), got.get("finish")),
                () -> assertEquals(finishes(want), finishes(got), "finish reasons of the chunks"),
                () -> assertEquals(lastUsage(want), lastUsage(got), "usage"),
                () -> assertWellFormed(got.get("chunks")));
        wires.assertNativeRequest(target, 2, 1, true, "Weather in Bergen and Tromsø, \"quoted\"?");
    }

    private static String escape(String model) {
        return model.replace("~", "~0").replace("/", "~1");
    }

    private static List<String> finishes(JsonNode stream) {
        List<String> out = new ArrayList<>();
        stream.get("chunks").forEach(c -> {
            if (!c.get("finish").isNull()) {
                out.add(c.get("finish").asText());
            }
        });
        return out;
    }

    private static JsonNode lastUsage(JsonNode stream) {
        JsonNode usage = null;
        int count = 0;
        for (JsonNode c : stream.get("chunks")) {
            if (!c.get("usage").isNull()) {
                usage = c.get("usage");
                count++;
            }
        }
        assertEquals(1, count, "one usage chunk");
        return usage;
    }

    /**
     * Role on the first chunk, one id for the stream, the usage chunk last and without choices, the tool call's id
     * and name on its first delta only, one index.
     */
    private static void assertWellFormed(JsonNode chunks) {
        assertEquals("assistant", chunks.get(0).get("role").asText(), "role on the first chunk");
        List<String> ids = new ArrayList<>();
        List<JsonNode> deltas = new ArrayList<>();
        chunks.forEach(c -> {
            ids.add(c.get("id").asText());
            c.get("toolCalls").forEach(deltas::add);
        });
        assertEquals(1, ids.stream().distinct().count(), "one stream id");
        JsonNode last = chunks.get(chunks.size() - 1);
        assertTrue(last.get("choices").asInt() == 0 && !last.get("usage").isNull(), "usage last, without choices");
        assertFalse(deltas.isEmpty(), "tool-call deltas");
        assertTrue(!deltas.getFirst().get("id").isNull() && !deltas.getFirst().get("name").isNull(),
                "id and name on the first delta");
        assertTrue(deltas.stream().skip(1).allMatch(d -> d.get("id").isNull()), "the id once");
        assertEquals(1, deltas.stream().map(d -> d.get("index").asInt()).distinct().count(), "one index");
    }
}
