package io.heimdall.core.internal.engine;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.heimdall.api.model.ChatChunk;
import io.heimdall.api.model.ChatMessage;
import io.heimdall.api.model.ChatResponse;
import io.heimdall.api.model.Choice;
import io.heimdall.api.model.ChunkChoice;
import io.heimdall.api.model.ChunkDelta;
import io.heimdall.api.model.FinishReason;
import io.heimdall.api.model.MessageContent;
import io.heimdall.api.model.RawJson;
import io.heimdall.api.model.ThinkingBlock;
import io.heimdall.api.model.ToolCall;
import io.heimdall.api.model.ToolCallDelta;
import io.heimdall.api.model.Usage;
import io.heimdall.api.observe.ResponseInfo;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * Rebuilds the complete response from a stream's chunks, for post-hooks, the cache and logs. Also keeps the chunks
 * themselves, if asked, so a cache can replay them.
 *
 * <p>Per choice (choices may interleave): {@code content}, {@code refusal} and {@code reasoning_content} fragments are
 * concatenated, and each is present in the result iff some delta carried it (an empty string counts, an explicit
 * {@code null} does not); thinking blocks are assembled by {@link ThinkingBlock}'s sequential rule (text appends to the
 * open block, a signature closes it, a redacted block comes whole and closes the open one; a block still open at the
 * end is kept unsigned); tool call fragments are joined by {@code index} (id, type and name first seen, arguments
 * appended, {@code extra} merged keeping first-seen values; a fragment whose id differs from its index's call starts a
 * new call, for servers that number every call 0); the last role and finish reason are kept; logprobs fragments are
 * merged ({@code content} and {@code refusal} arrays concatenated). The delta's other fields become the message's
 * {@code extra} the way OpenAI's SDK accumulates them: strings concatenated, arrays appended (objects with the same
 * {@code index} merged), objects merged field by field, any other value first-seen; a {@code name} string becomes the
 * message's name.
 *
 * <p>Per stream: id, created and model from the first chunk; the last usage (whole, with its typed details);
 * the first system fingerprint; the chunks' other fields first-seen into the response's {@code extra}, except
 * {@code service_tier}, which becomes {@link ChatResponse#serviceTier()}, and {@code obfuscation}, OpenAI's per-chunk
 * random padding, which is dropped. An explicit {@code null} never replaces a value, and a value replaces a
 * first-seen {@code null}.
 *
 * <p>{@link #add} runs on every streamed chunk: it allocates only the per-choice builders, once, and what the
 * fragments' text needs. Not thread-safe: one stream feeds it.
 */
public final class StreamAccumulator {
    private static final String SERVICE_TIER = "service_tier";
    private static final String OBFUSCATION = "obfuscation";
    private static final String NAME = "name";
    /** Only for merging fragments of pass-through objects and arrays, once, when the response is built. */
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
            .build();

    private final ArrayList<ChoiceState> choices = new ArrayList<>(1);
    private final List<ChatChunk> chunks;
    /** Allocated once: iterating a map with {@code forEach} does not allocate, its entry set's iterator may. */
    private final BiConsumer<String, RawJson> chunkField = this::chunkField;
    private ChoiceState lastChoice;
    private int size;
    private String id = "";
    private String model = "";
    private long created;
    private Usage usage;
    private String fingerprint;
    private Map<String, RawJson> extra;
    private boolean finished;

    /** An accumulator that keeps the chunks themselves too (for a cache to replay them). */
    public StreamAccumulator() {
        this(true);
    }

    /**
     * An accumulator.
     *
     * @param keepChunks whether to keep every chunk (only a cache needs them; a long stream's chunks add up)
     */
    public StreamAccumulator(boolean keepChunks) {
        this.chunks = keepChunks ? new ArrayList<>() : null;
    }

    /** Adds the next chunk. */
    public void add(ChatChunk chunk) {
        size++;
        if (chunks != null) {
            chunks.add(chunk);
        }
        if (id.isEmpty()) {
            id = chunk.id();
            created = chunk.created();
        }
        if (model.isEmpty()) {
            model = chunk.model();
        }
        if (chunk.usage().isPresent()) {
            usage = chunk.usage().get();
        }
        if (fingerprint == null && chunk.systemFingerprint().isPresent()) {
            fingerprint = chunk.systemFingerprint().get();
        }
        if (!chunk.extra().isEmpty()) {
            chunk.extra().forEach(chunkField);
        }
        List<ChunkChoice> cs = chunk.choices();
        for (int i = 0, n = cs.size(); i < n; i++) {
            ChunkChoice c = cs.get(i);
            ChoiceState s = choice(c.index());
            s.add(c.delta());
            if (c.finishReason().isPresent()) {
                s.finish = c.finishReason().get();
                finished = true;
            }
            if (c.logprobs().isPresent()) {
                if (s.logprobs == null) {
                    s.logprobs = new Fragments(c.logprobs().get(), false);
                } else {
                    s.logprobs.add(c.logprobs().get());
                }
            }
        }
    }

    private void chunkField(String key, RawJson value) {
        if (key.equals(OBFUSCATION)) {
            return;
        }
        if (extra == null) {
            extra = new LinkedHashMap<>(4);
        }
        RawJson old = extra.get(key);
        if (old == null || old.equals(RawJson.NULL) && !value.equals(RawJson.NULL)) {
            extra.put(key, value);
        }
    }

    private ChoiceState choice(int index) {
        ChoiceState last = lastChoice;
        if (last != null && last.index == index) {
            return last;
        }
        for (int i = 0, n = choices.size(); i < n; i++) {
            ChoiceState s = choices.get(i);
            if (s.index == index) {
                lastChoice = s;
                return s;
            }
        }
        ChoiceState s = new ChoiceState(index);
        choices.add(s);
        lastChoice = s;
        return s;
    }

    /** The chunks added so far; empty if they are not kept. */
    public List<ChatChunk> chunks() {
        return chunks == null ? List.of() : List.copyOf(chunks);
    }

    /** How many chunks were added. */
    public int size() {
        return size;
    }

    /** Whether any chunk carried a finish reason. */
    public boolean finished() {
        return finished;
    }

    /** The usage seen, if any. */
    public Optional<Usage> usage() {
        return Optional.ofNullable(usage);
    }

    /** What the chunks added so far say of the answer: id, model and the finish reasons seen. */
    public ResponseInfo info() {
        List<String> reasons = new ArrayList<>(choices.size());
        for (ChoiceState s : choices) {
            if (s.finish != null) {
                reasons.add(s.finish.value());
            }
        }
        return new ResponseInfo(id.isEmpty() ? Optional.empty() : Optional.of(id),
                model.isEmpty() ? Optional.empty() : Optional.of(model), reasons);
    }

    /** The complete response as the chunks added so far make it; may be called again after more chunks. */
    public ChatResponse response() {
        List<ChoiceState> ordered = new ArrayList<>(choices);
        ordered.sort(Comparator.comparingInt(s -> s.index));
        List<Choice> out = new ArrayList<>(ordered.size());
        for (ChoiceState s : ordered) {
            out.add(s.choice());
        }
        Map<String, RawJson> fields = extra == null ? Map.of() : extra;
        Optional<String> serviceTier = Optional.empty();
        RawJson tier = fields.get(SERVICE_TIER);
        if (tier != null) {
            serviceTier = jsonString(tier);
            if (serviceTier.isPresent() || tier.equals(RawJson.NULL)) {
                fields = new LinkedHashMap<>(fields);
                fields.remove(SERVICE_TIER);
            }
        }
        return new ChatResponse(id.isEmpty() ? "chatcmpl-stream" : id, created, model, out, usage(),
                Optional.ofNullable(fingerprint), serviceTier, fields);
    }

    // ------------------------------------------------------------------ one choice

    private static final class ChoiceState {
        final int index;
        final BiConsumer<String, RawJson> deltaField = this::deltaField;
        String role = "assistant";
        StringBuilder content;
        StringBuilder refusal;
        StringBuilder reasoning;
        List<ThinkingBlock> blocks;
        StringBuilder blockText;
        Map<String, RawJson> blockExtra;
        boolean blockOpen;
        ArrayList<ToolState> tools;
        Map<String, Fragments> extra;
        Fragments logprobs;
        FinishReason finish;

        ChoiceState(int index) {
            this.index = index;
        }

        void add(ChunkDelta d) {
            if (d.role().isPresent()) {
                role = d.role().get();
            }
            if (d.content().isPresent()) {
                content = append(content, d.content().get());
            }
            if (d.reasoningContent().isPresent()) {
                reasoning = append(reasoning, d.reasoningContent().get());
            }
            if (d.refusal().isPresent()) {
                refusal = append(refusal, d.refusal().get());
            }
            List<ThinkingBlock> bs = d.thinkingBlocks();
            for (int i = 0, n = bs.size(); i < n; i++) {
                thinking(bs.get(i));
            }
            List<ToolCallDelta> ts = d.toolCalls();
            for (int i = 0, n = ts.size(); i < n; i++) {
                tool(ts.get(i));
            }
            if (!d.extra().isEmpty()) {
                d.extra().forEach(deltaField);
            }
        }

        private void deltaField(String key, RawJson value) {
            if (extra == null) {
                extra = new LinkedHashMap<>(4);
            }
            Fragments f = extra.get(key);
            if (f == null) {
                extra.put(key, new Fragments(value, true));
            } else {
                f.add(value);
            }
        }

        private void thinking(ThinkingBlock b) {
            if (b.redacted()) {
                closeBlock(Optional.empty());
                blocks().add(b);
                return;
            }
            if (!blockOpen) {
                blockOpen = true;
                if (blockText == null) {
                    blockText = new StringBuilder();
                } else {
                    blockText.setLength(0);
                }
                blockExtra = null;
            }
            blockText.append(b.thinking());
            if (!b.extra().isEmpty()) {
                blockExtra = firstSeen(blockExtra, b.extra());
            }
            if (b.signature().isPresent()) {
                closeBlock(b.signature());
            }
        }

        private void closeBlock(Optional<String> signature) {
            if (blockOpen) {
                blocks().add(openBlock(signature));
                blockOpen = false;
            }
        }

        private ThinkingBlock openBlock(Optional<String> signature) {
            return new ThinkingBlock(blockText.toString(), signature, Optional.empty(), blockExtra);
        }

        private List<ThinkingBlock> blocks() {
            if (blocks == null) {
                blocks = new ArrayList<>(2);
            }
            return blocks;
        }

        private void tool(ToolCallDelta t) {
            if (tools == null) {
                tools = new ArrayList<>(2);
            }
            ToolState ts = null;
            for (int i = tools.size() - 1; i >= 0; i--) {
                ToolState candidate = tools.get(i);
                if (candidate.index == t.index()) {
                    ts = candidate;
                    break;
                }
            }
            if (ts == null || t.id().isPresent() && !t.id().get().isEmpty() && !ts.id.isEmpty()
                    && !ts.id.equals(t.id().get())) {
                ts = new ToolState(t.index());
                tools.add(ts);
            }
            if (ts.id.isEmpty() && t.id().isPresent()) {
                ts.id = t.id().get();
            }
            if (ts.type == null && t.type().isPresent()) {
                ts.type = t.type().get();
            }
            if (ts.name.isEmpty() && t.name().isPresent()) {
                ts.name = t.name().get();
            }
            if (t.arguments().isPresent()) {
                ts.arguments.append(t.arguments().get());
            }
            if (!t.extra().isEmpty()) {
                ts.extra = firstSeen(ts.extra, t.extra());
            }
        }

        Choice choice() {
            List<ToolCall> calls = List.of();
            if (tools != null) {
                List<ToolState> ordered = new ArrayList<>(tools);
                ordered.sort(Comparator.comparingInt(t -> t.index));
                calls = new ArrayList<>(ordered.size());
                for (ToolState t : ordered) {
                    calls.add(new ToolCall(t.id, t.type, t.name, t.arguments.toString(), t.extra));
                }
            }
            List<ThinkingBlock> thinking = blocks == null ? List.of() : blocks;
            if (blockOpen) {
                thinking = new ArrayList<>(thinking);
                thinking.add(openBlock(Optional.empty()));
            }
            Optional<String> name = Optional.empty();
            Map<String, RawJson> fields = Map.of();
            if (extra != null) {
                fields = new LinkedHashMap<>(extra.size());
                for (Map.Entry<String, Fragments> e : extra.entrySet()) {
                    fields.put(e.getKey(), e.getValue().value());
                }
                RawJson n = fields.get(NAME);
                if (n != null && (name = jsonString(n)).isPresent()) {
                    fields.remove(NAME);
                }
            }
            ChatMessage message = new ChatMessage(role, text(content).map(MessageContent::of), name, calls,
                    Optional.empty(), text(refusal), text(reasoning), thinking, Optional.empty(), fields);
            return new Choice(index, message, Optional.ofNullable(finish),
                    logprobs == null ? Optional.empty() : Optional.of(logprobs.value()));
        }

        private static StringBuilder append(StringBuilder sb, String text) {
            return sb == null ? new StringBuilder(text) : sb.append(text);
        }

        private static Optional<String> text(StringBuilder sb) {
            return sb == null ? Optional.empty() : Optional.of(sb.toString());
        }
    }

    private static final class ToolState {
        final int index;
        final StringBuilder arguments = new StringBuilder();
        String id = "";
        String type;
        String name = "";
        Map<String, RawJson> extra;

        ToolState(int index) {
            this.index = index;
        }
    }

    // ------------------------------------------------------------------ pass-through values

    /**
     * Merges {@code add} (not empty) into {@code into} (created if {@code null}) keeping first-seen values: a key's
     * value is set when it is new or its value so far is {@code null}.
     */
    private static Map<String, RawJson> firstSeen(Map<String, RawJson> into, Map<String, RawJson> add) {
        Map<String, RawJson> out = into == null ? new LinkedHashMap<>(4) : into;
        for (Map.Entry<String, RawJson> e : add.entrySet()) {
            RawJson old = out.get(e.getKey());
            if (old == null || old.equals(RawJson.NULL)) {
                out.put(e.getKey(), e.getValue());
            }
        }
        return out;
    }

    /** The text of a JSON string value, if it is one. */
    private static Optional<String> jsonString(RawJson raw) {
        String s = raw.json();
        if (!isString(s)) {
            return Optional.empty();
        }
        if (s.indexOf('\\') < 0) {
            return Optional.of(s.substring(1, s.length() - 1));
        }
        try {
            return Optional.ofNullable(JSON.readTree(s).textValue());
        } catch (JacksonException e) {
            return Optional.empty();
        }
    }

    private static boolean isString(String json) {
        return json.length() >= 2 && json.charAt(0) == '"' && json.charAt(json.length() - 1) == '"';
    }

    /**
     * The fragments of one pass-through value seen on several deltas. Strings are joined as they come (without
     * decoding them: JSON string bodies concatenate); other values are kept and merged when the value is asked for.
     */
    private static final class Fragments {
        private final boolean joinStrings;
        private RawJson first;
        private StringBuilder text;
        private List<RawJson> more;

        Fragments(RawJson first, boolean joinStrings) {
            this.first = first;
            this.joinStrings = joinStrings;
        }

        void add(RawJson next) {
            if (next.equals(RawJson.NULL)) {
                return;
            }
            if (text == null && more == null && first.equals(RawJson.NULL)) {
                first = next;
                return;
            }
            String s = next.json();
            if (joinStrings && more == null && isString(first.json())) {
                if (isString(s)) {
                    if (text == null) {
                        String f = first.json();
                        text = new StringBuilder(f.length() + s.length()).append(f, 0, f.length() - 1);
                    }
                    text.append(s, 1, s.length() - 1);
                }
                return;
            }
            if (more == null) {
                more = new ArrayList<>(4);
            }
            more.add(next);
        }

        RawJson value() {
            if (text != null) {
                return new RawJson(text + "\"");
            }
            if (more == null) {
                return first;
            }
            try {
                JsonNode acc = JSON.readTree(first.json());
                for (RawJson r : more) {
                    acc = merge(acc, JSON.readTree(r.json()));
                }
                return new RawJson(JSON.writeValueAsString(acc));
            } catch (JacksonException e) {
                return first;
            }
        }
    }

    /**
     * OpenAI's SDK's rule for accumulating a delta field: strings concatenated, objects merged field by field (their
     * {@code index}, {@code type} and {@code id} first-seen), arrays appended except that an object element with the
     * {@code index} of an earlier one is merged into it; {@code null} yields to a value; anything else first-seen.
     * Mutates and returns {@code acc}.
     */
    private static JsonNode merge(JsonNode acc, JsonNode d) {
        if (acc == null || acc.isNull()) {
            return d;
        }
        if (d.isNull()) {
            return acc;
        }
        if (acc.isTextual() && d.isTextual()) {
            return TextNode.valueOf(acc.textValue() + d.textValue());
        }
        if (acc instanceof ObjectNode o && d.isObject()) {
            for (Map.Entry<String, JsonNode> e : d.properties()) {
                String key = e.getKey();
                JsonNode old = o.get(key);
                boolean keep = key.equals("index") || key.equals("type") || key.equals("id");
                o.set(key, keep && old != null && !old.isNull() ? old : merge(old, e.getValue()));
            }
            return o;
        }
        if (acc instanceof ArrayNode a && d.isArray()) {
            for (JsonNode e : d) {
                JsonNode same = e.isObject() && e.path("index").isIntegralNumber() ? withIndex(a, e.get("index"))
                        : null;
                if (same != null) {
                    merge(same, e);
                } else {
                    a.add(e);
                }
            }
            return a;
        }
        return acc;
    }

    private static JsonNode withIndex(ArrayNode a, JsonNode index) {
        for (JsonNode e : a) {
            if (e.isObject() && e.path("index").isIntegralNumber()
                    && e.get("index").longValue() == index.longValue()) {
                return e;
            }
        }
        return null;
    }
}
