package io.heimdall.bench.jmh;

import io.heimdall.api.http.ServerSentEvents;
import io.heimdall.api.model.ChatChunk;
import io.heimdall.api.model.ChatRequest;
import io.heimdall.api.model.ChatResponse;
import io.heimdall.api.model.ChunkChoice;
import io.heimdall.api.model.ChunkDelta;
import io.heimdall.core.internal.wire.JacksonOpenAiWire;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The OpenAI codec the gateway uses on every request ({@code JacksonOpenAiWire}, internal to the core, reached here
 * from the class path): a client's chat request decoded, an upstream's response decoded and re-encoded for the
 * client, one stream chunk encoded and decoded, and a whole 200-chunk upstream stream parsed (SSE framing plus every
 * chunk decoded). The bodies are the ones {@code bench/compare.sh} sends and the testkit mock answers.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CodecBenchmark {
    /** bench/scripts/chat-gateway.json. */
    static final byte[] CHAT_REQUEST = ("{\"model\":\"bench\",\"messages\":[{\"role\":\"system\",\"content\":\"You are a "
            + "terse assistant.\"},{\"role\":\"user\",\"content\":\"Say hello to the benchmark in five words.\"}],"
            + "\"max_tokens\":32,\"temperature\":0}").getBytes(StandardCharsets.UTF_8);
    /** What the testkit mock answers to it. */
    static final byte[] CHAT_RESPONSE = ("{\"id\":\"chatcmpl-9f1c2b7e5d\",\"object\":\"chat.completion\",\"created\":"
            + "1764489600,\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
            + "\"content\":\"Echo: Say hello to the benchmark in five words.\"},\"finish_reason\":\"stop\"}],"
            + "\"usage\":{\"prompt_tokens\":14,\"completion_tokens\":9,\"total_tokens\":23}}")
            .getBytes(StandardCharsets.UTF_8);
    static final int STREAM_CHUNKS = 200;
    /** A middle chunk as OpenAI sends it when asked for usage ({@code stream_options.include_usage}). */
    static final String UPSTREAM_CHUNK = "{\"id\":\"chatcmpl-9f1c2b7e5d\",\"object\":\"chat.completion.chunk\","
            + "\"created\":1764489600,\"model\":\"gpt-4o-mini-2024-07-18\",\"service_tier\":\"default\","
            + "\"system_fingerprint\":\"fp_efad92c60b\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" hello\"},"
            + "\"logprobs\":null,\"finish_reason\":null}],\"usage\":null,\"obfuscation\":\"Qw3\"}";
    /** The chunk in which the choice finishes. */
    static final String UPSTREAM_LAST_CHUNK = UPSTREAM_CHUNK.replace("{\"content\":\" hello\"}", "{}")
            .replace("\"finish_reason\":null", "\"finish_reason\":\"stop\"");
    private static final byte[] UPSTREAM_CHUNK_BYTES = UPSTREAM_CHUNK.getBytes(StandardCharsets.UTF_8);
    private static final byte[] UPSTREAM_LAST_CHUNK_BYTES = UPSTREAM_LAST_CHUNK.getBytes(StandardCharsets.UTF_8);

    private final JacksonOpenAiWire wire = new JacksonOpenAiWire();
    private ChatResponse response;
    private ChatChunk chunk;
    private String chunkJson;
    private byte[] stream;

    /** Decodes the fixtures once and builds a 200-chunk SSE stream as an upstream sends it. */
    @Setup
    public void setUp() {
        response = wire.decodeChatResponse(CHAT_RESPONSE);
        chunk = ChatChunk.of("chatcmpl-9f1c2b7e5d", 1764489600L, "gpt-4o-mini",
                ChunkChoice.of(0, ChunkDelta.text(" hello"), null));
        chunkJson = new String(wire.encodeChunk(chunk), StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < STREAM_CHUNKS; i++) {
            ChatChunk c = ChatChunk.of("chatcmpl-9f1c2b7e5d", 1764489600L, "gpt-4o-mini",
                    ChunkChoice.of(0, ChunkDelta.text(" w" + i), null));
            out.writeBytes("data: ".getBytes(StandardCharsets.US_ASCII));
            out.writeBytes(wire.encodeChunk(c));
            out.writeBytes("\n\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.writeBytes("data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII));
        stream = out.toByteArray();
    }

    /** A client's chat request body to the request model. */
    @Benchmark
    public ChatRequest decodeChatRequest() {
        return wire.decodeChatRequest(CHAT_REQUEST);
    }

    /** The request model to the body sent upstream. */
    @Benchmark
    public byte[] decodeAndEncodeChatRequest() {
        return wire.encodeChatRequest(wire.decodeChatRequest(CHAT_REQUEST));
    }

    /** An upstream's chat response body to the response model. */
    @Benchmark
    public ChatResponse decodeChatResponse() {
        return wire.decodeChatResponse(CHAT_RESPONSE);
    }

    /** The response model to the body sent to the client. */
    @Benchmark
    public byte[] encodeChatResponse() {
        return wire.encodeChatResponse(response);
    }

    /** One stream chunk to the data of its SSE event. */
    @Benchmark
    public byte[] encodeChunk() {
        return wire.encodeChunk(chunk);
    }

    /** The data of one upstream SSE event to a chunk. */
    @Benchmark
    public ChatChunk decodeChunk() {
        return wire.decodeChunk(chunkJson);
    }

    /** A middle chunk read as relaying it untouched needs (is it one object, did a choice finish, usage?). */
    @Benchmark
    public Object readRelayedChunk() {
        return wire.relayedChunk(UPSTREAM_CHUNK_BYTES);
    }

    /** The same for the chunk in which the choice finishes, with the id and model read too (the first chunk's case). */
    @Benchmark
    public Object readRelayedLastChunk() {
        return wire.relayedChunk(UPSTREAM_LAST_CHUNK_BYTES, true);
    }

    /** An upstream's non-streamed answer read as relaying it untouched needs (the plain shape? usage, id, model). */
    @Benchmark
    public Object readRelayedResponse() {
        return wire.relayedResponse(CHAT_RESPONSE);
    }

    /** A whole 200-chunk upstream stream's SSE framing read, each event's data as text (per stream). */
    @Benchmark
    public int readEventStream(Blackhole hole) {
        int events = 0;
        try (ServerSentEvents sse = new ServerSentEvents(new ByteArrayInputStream(stream))) {
            for (Optional<ServerSentEvents.Event> e = sse.next(); e.isPresent(); e = sse.next()) {
                hole.consume(e.get().data());
                events++;
            }
        }
        return events;
    }

    /** The same with each event's data as the bytes that came, as the untouched relay reads them (per stream). */
    @Benchmark
    public int readEventStreamBytes(Blackhole hole) {
        int events = 0;
        try (ServerSentEvents sse = new ServerSentEvents(new ByteArrayInputStream(stream))) {
            for (Optional<ServerSentEvents.EventBytes> e = sse.nextBytes(); e.isPresent(); e = sse.nextBytes()) {
                hole.consume(e.get().data());
                events++;
            }
        }
        return events;
    }

    /** A whole 200-chunk upstream stream: SSE framing parsed, each chunk decoded and re-encoded (per stream). */
    @Benchmark
    public int relayStream(Blackhole hole) {
        int events = 0;
        try (ServerSentEvents sse = new ServerSentEvents(new ByteArrayInputStream(stream))) {
            for (Optional<ServerSentEvents.Event> e = sse.next(); e.isPresent(); e = sse.next()) {
                String data = e.get().data();
                if (!data.equals("[DONE]")) {
                    hole.consume(wire.encodeChunk(wire.decodeChunk(data)));
                }
                events++;
            }
        }
        return events;
    }
}
