package io.heimdall.testkit.tck;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A native request as a {@link NativeUpstream} received it, decoded back into provider-neutral terms.
 *
 * @param method         the HTTP method
 * @param path           the raw path with its query
 * @param headers        the headers, names in lower case
 * @param model          the model, from the body or the URL path
 * @param system         the system prompt, empty for none
 * @param messages       the conversation, a native tool-result block being a message of its own of role {@code tool}
 * @param toolNames      the declared tools' names
 * @param toolChoice     empty, {@code auto}, {@code none}, {@code required} or a tool name
 * @param temperature    the sampling temperature
 * @param topP           nucleus sampling
 * @param maxTokens      the output token cap
 * @param stop           stop sequences
 * @param stream         whether a stream was asked for
 * @param responseFormat empty, {@code json_object} or {@code json_schema}
 * @param body           the raw body as UTF-8 text
 */
public record SeenRequest(String method, String path, Map<String, List<String>> headers, String model, String system,
                          List<SeenMessage> messages, List<String> toolNames, String toolChoice,
                          Optional<Double> temperature, Optional<Double> topP, Optional<Integer> maxTokens,
                          List<String> stop, boolean stream, String responseFormat, String body) {
    /** Validates and copies the fields. */
    public SeenRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        headers = Map.copyOf(headers);
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(system, "system");
        messages = List.copyOf(messages);
        toolNames = List.copyOf(toolNames);
        Objects.requireNonNull(toolChoice, "toolChoice");
        stop = List.copyOf(stop);
        Objects.requireNonNull(responseFormat, "responseFormat");
        Objects.requireNonNull(body, "body");
    }

    /** The first value of a header, name case-insensitive. */
    public Optional<String> header(String name) {
        List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.getFirst());
    }
}
