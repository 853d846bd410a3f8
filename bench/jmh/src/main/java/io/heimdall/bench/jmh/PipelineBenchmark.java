package io.heimdall.bench.jmh;

import io.heimdall.api.model.ChatChunk;
import io.heimdall.api.model.ChatMessage;
import io.heimdall.api.model.ChatRequest;
import io.heimdall.api.model.ChatResponse;
import io.heimdall.api.model.Choice;
import io.heimdall.api.model.ChunkChoice;
import io.heimdall.api.model.ChunkDelta;
import io.heimdall.api.model.FinishReason;
import io.heimdall.api.model.Usage;
import io.heimdall.api.hook.Hook;
import io.heimdall.api.plugin.Plugin;
import io.heimdall.api.plugin.PluginConfig;
import io.heimdall.api.plugin.PluginContext;
import io.heimdall.api.plugin.PluginFactory;
import io.heimdall.api.provider.ChunkSink;
import io.heimdall.api.provider.Provider;
import io.heimdall.api.provider.ProviderCall;
import io.heimdall.api.provider.ProviderFactory;
import io.heimdall.core.Gateway;
import io.heimdall.core.internal.wire.JacksonOpenAiWire;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The request pipeline in process ({@link Gateway} with {@code http(false)}): hooks, routing to the alias's target,
 * the attempt runner, metrics and observers, around a provider that answers at once from memory (no I/O), so what is
 * measured is the gateway's own work per request and per stream chunk. {@code plugins=noop-hook} adds one hook that
 * lets everything through (the cost of the hook stages when a plugin is configured). {@code chatOverTheWire} adds the
 * codec on both sides: the client's body decoded, the response encoded.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class PipelineBenchmark {
    static final int STREAM_CHUNKS = 200;

    /** No plugin, or one hook that changes nothing. */
    @Param({"none", "noop-hook"})
    public String plugins;

    private Gateway gateway;
    private Path dir;
    private final JacksonOpenAiWire wire = new JacksonOpenAiWire();
    private final ChatRequest request = ChatRequest.builder().model("bench")
            .addMessage(ChatMessage.system("You are a terse assistant."))
            .addMessage(ChatMessage.user("Say hello to the benchmark in five words.")).build();
    private final ChatRequest streamRequest = ChatRequest.builder().model("bench")
            .addMessage(ChatMessage.user("stream")).stream(true).build();

    /** Starts the in-process gateway with the canned provider (and the no-op hook). */
    @Setup(Level.Trial)
    public void start() throws IOException {
        dir = Files.createTempDirectory("heimdall-jmh");
        Path config = Files.writeString(dir.resolve("heimdall.yaml"), """
                providers:
                  canned: { type: bench-canned }
                models:
                  bench: { targets: [ { model: canned/gpt-4o-mini } ] }
                plugins: %s
                """.formatted(plugins.equals("noop-hook") ? "[ { id: bench-noop-hook } ]" : "[]"));
        gateway = Gateway.builder().config(config).http(false).watchConfig(false)
                .factory(new CannedProviderFactory()).factory(new NoopHookFactory()).start();
    }

    /** Stops the gateway. */
    @TearDown(Level.Trial)
    public void stop() {
        gateway.close();
        try {
            Files.deleteIfExists(dir.resolve("heimdall.yaml"));
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One non-streaming chat request through the pipeline. */
    @Benchmark
    public ChatResponse chat() {
        return gateway.chat(request);
    }

    /** The same with the codec on both sides: body in, body out, as the HTTP route does (without the socket). */
    @Benchmark
    public byte[] chatOverTheWire() {
        return wire.encodeChatResponse(gateway.chat(wire.decodeChatRequest(CodecBenchmark.CHAT_REQUEST)));
    }

    /** One 200-chunk stream through the pipeline, every chunk encoded as the client would get it (per stream). */
    @Benchmark
    public void stream(Blackhole hole) {
        gateway.stream(streamRequest, chunk -> hole.consume(wire.encodeChunk(chunk)));
    }

    /** A provider that answers from memory: one fixed response, or a stream of {@link #STREAM_CHUNKS} chunks. */
    static final class CannedProviderFactory implements ProviderFactory {
        @Override
        public String id() {
            return "bench-canned";
        }

        @Override
        public Provider create(PluginConfig config, PluginContext context) {
            ChatResponse response = ChatResponse.of("chatcmpl-bench", 1764489600L, "gpt-4o-mini", List.of(
                    Choice.of(0, ChatMessage.assistant("Echo: Say hello to the benchmark in five words."),
                            FinishReason.STOP)), Usage.of(14, 9));
            List<ChatChunk> chunks = new java.util.ArrayList<>();
            chunks.add(ChatChunk.of("chatcmpl-bench", 1764489600L, "gpt-4o-mini",
                    ChunkChoice.of(0, ChunkDelta.assistantStart(), null)));
            for (int i = 0; i < STREAM_CHUNKS; i++) {
                chunks.add(ChatChunk.of("chatcmpl-bench", 1764489600L, "gpt-4o-mini",
                        ChunkChoice.of(0, ChunkDelta.text(" w" + i), null)));
            }
            chunks.add(ChatChunk.of("chatcmpl-bench", 1764489600L, "gpt-4o-mini",
                    ChunkChoice.of(0, ChunkDelta.EMPTY, FinishReason.STOP)));
            return new Provider() {
                @Override
                public ChatResponse chat(ChatRequest request, ProviderCall call) {
                    return response;
                }

                @Override
                public void stream(ChatRequest request, ProviderCall call, ChunkSink sink) {
                    for (ChatChunk chunk : chunks) {
                        sink.accept(chunk);
                    }
                }
            };
        }
    }

    /** A plugin with one hook that lets every request, response and chunk through unchanged. */
    static final class NoopHookFactory implements PluginFactory {
        @Override
        public String id() {
            return "bench-noop-hook";
        }

        @Override
        public Plugin create(PluginConfig config, PluginContext context) {
            Hook hook = new Hook() {
            };
            return new Plugin() {
                @Override
                public Optional<Hook> hook() {
                    return Optional.of(hook);
                }
            };
        }
    }
}
