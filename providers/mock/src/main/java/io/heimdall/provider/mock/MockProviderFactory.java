package io.heimdall.provider.mock;

import io.heimdall.api.plugin.ConfigSpec;
import io.heimdall.api.plugin.ConfigType;
import io.heimdall.api.plugin.PluginConfig;
import io.heimdall.api.plugin.PluginContext;
import io.heimdall.api.provider.Provider;
import io.heimdall.api.provider.ProviderFactory;

import java.time.Duration;
import java.util.OptionalInt;

/**
 * Provider type {@code mock}: the embedded default provider. It needs no network and no key, and answers
 * deterministically, so a fresh install answers out of the box and tests and benchmarks get a predictable upstream.
 *
 * <pre>{@code
 * providers:
 *   mock:
 *     type: mock
 *     latency: 0ms          # before the first byte
 *     chunk-delay: 0ms      # between stream chunks
 *     failure-status: 503   # optional: every failure-every-th request fails with this status
 *     failure-every: 3
 *     embedding-dimensions: 64
 * }</pre>
 *
 * <h2>Replies</h2>
 * <ul>
 *   <li>Model {@code echo}, and any model name not listed below, answers {@code "Echo: " + <the last user message's
 *       text>}. With {@code response_format} {@code json_object} or {@code json_schema} it answers
 *       {@code {"echo":"<the last user message's text>"}} instead. Usage counts whitespace-separated words: the
 *       prompt's in all messages, the completion's in the reply. A token limit ({@code max_completion_tokens} or
 *       {@code max_tokens}) shorter than the reply cuts it to that many words, with finish reason {@code length}.</li>
 *   <li>Streaming sends a role chunk, then one chunk per word (with the whitespace before it, so the pieces join to the
 *       exact reply), then an empty chunk with the finish reason, then a usage chunk if
 *       {@code stream_options.include_usage} is set.</li>
 *   <li>Tools: when the request has tools and {@code tool_choice} is not {@code none}, the reply calls the first tool
 *       (or the one {@code tool_choice} names) with arguments {@code {"query":"<the last user message's text>"}} and
 *       finish reason {@code tool_calls}; streamed, the call arrives as an opening fragment with id and name, then the
 *       arguments in fragments, as OpenAI sends them. The call id is a hash of the name and arguments. With
 *       {@code tool_choice} {@code auto} (or absent), a conversation whose last message is a tool result gets a text
 *       reply instead, so an agent loop ends.</li>
 *   <li>Embeddings: a deterministic unit vector per input, built from hashes of its lower-cased words plus a smaller
 *       share from a hash of the whole text: equal texts give equal vectors, texts sharing words give similar ones.
 *       {@code dimensions} is honoured, else {@code embedding-dimensions}.</li>
 *   <li>Model listing: {@code echo} and the fault models below.</li>
 *   <li>Ignored: {@code n} (always one choice), {@code stop}, sampling parameters, and image parts (only text is
 *       echoed).</li>
 * </ul>
 *
 * <h2>Fault models</h2>
 * Chosen by the request's model name, for tests of retries, fallbacks and error handling:
 * <ul>
 *   <li>{@code fail-429}: 429 {@code rate_limit_error}, code {@code rate_limit_exceeded}, retry-after 1 s.</li>
 *   <li>{@code fail-500}: 500 {@code api_error}, code {@code server_error}.</li>
 *   <li>{@code fail-400}: 400 {@code invalid_request_error}, code {@code mock_bad_request} (not retryable).</li>
 *   <li>{@code slow}: sleeps 2 s (or until the request's deadline, then 504), then answers like {@code echo}.</li>
 *   <li>{@code fail-mid-stream}: streamed, sends the role chunk and one content chunk, then fails with 502
 *       {@code api_error}, code {@code mock_stream_broken}; not streamed, fails with that error at once.</li>
 * </ul>
 * Configured latency and failures come first: {@code latency} is slept before anything else (and before an error),
 * then every {@code failure-every}-th chat, stream or embeddings call fails with {@code failure-status} (type from the
 * status, code {@code mock_failure}; a 429 carries retry-after 1 s). Every sleep ends at the request's deadline with a
 * 504 {@code upstream_timeout}.
 */
public final class MockProviderFactory implements ProviderFactory {
    /** The type name config refers to. */
    public static final String ID = "mock";

    private static final ConfigSpec SPEC = ConfigSpec.builder()
            .optional("latency", ConfigType.DURATION, "0ms",
                    "Delay before the first byte of every answer (and before a configured failure)")
            .optional("chunk-delay", ConfigType.DURATION, "0ms",
                    "Delay between two chunks of a streamed answer")
            .optional("failure-status", ConfigType.INTEGER,
                    "If set (400-599), every failure-every-th request fails with this HTTP status (none by default)")
            .optional("failure-every", ConfigType.INTEGER, "1",
                    "With failure-status: which requests fail; 1 fails all, 3 fails every third")
            .optional("embedding-dimensions", ConfigType.INTEGER, "64",
                    "Size of embedding vectors when the request does not ask for a size (1-8192)")
            .optional("base-url", ConfigType.STRING,
                    "Accepted like every provider's base-url, and ignored: the mock makes no network calls")
            .build();

    /** Creates the factory; called by {@link java.util.ServiceLoader}. */
    public MockProviderFactory() {
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "Deterministic mock provider needing no network: echo replies, tools, embeddings, latency and faults";
    }

    @Override
    public ConfigSpec configSpec() {
        return SPEC;
    }

    @Override
    public Provider create(PluginConfig config, PluginContext context) {
        Duration latency = nonNegative(config.duration("latency").orElse(Duration.ZERO), "latency");
        Duration chunkDelay = nonNegative(config.duration("chunk-delay").orElse(Duration.ZERO), "chunk-delay");
        OptionalInt failureStatus = OptionalInt.empty();
        if (config.integer("failure-status").isPresent()) {
            long status = config.integer("failure-status").get();
            if (status < 400 || status > 599) {
                throw new IllegalArgumentException("failure-status must be an HTTP error status (400-599): " + status);
            }
            failureStatus = OptionalInt.of((int) status);
        }
        long every = config.integer("failure-every").orElse(1L);
        if (every < 1) {
            throw new IllegalArgumentException("failure-every must be at least 1: " + every);
        }
        long dims = config.integer("embedding-dimensions").orElse((long) MockProvider.DEFAULT_DIMENSIONS);
        if (dims < 1 || dims > MockProvider.MAX_DIMENSIONS) {
            throw new IllegalArgumentException("embedding-dimensions must be between 1 and "
                    + MockProvider.MAX_DIMENSIONS + ": " + dims);
        }
        return new MockProvider(context.name(), context.clock(), latency, chunkDelay, failureStatus, every,
                (int) dims);
    }

    private static Duration nonNegative(Duration d, String key) {
        if (d.isNegative()) {
            throw new IllegalArgumentException(key + " must not be negative");
        }
        return d;
    }
}
