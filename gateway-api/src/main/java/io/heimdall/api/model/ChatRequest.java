package io.heimdall.api.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A chat completion request in the OpenAI shape. {@code model} is what the client asked for until the router resolves
 * it; a provider receives the request with {@code model} set to the upstream model name. Build with {@link #builder()}
 * or change one with {@link #toBuilder()}.
 *
 * @param model               the model name
 * @param messages            the conversation
 * @param stream              whether the response is streamed
 * @param streamOptions       options of a streamed response
 * @param tools               tools the model may call
 * @param toolChoice          how tools may be used
 * @param parallelToolCalls   whether several tool calls may be made at once
 * @param responseFormat      the output format
 * @param temperature         sampling temperature
 * @param topP                nucleus sampling
 * @param maxTokens           legacy token limit ({@code max_tokens})
 * @param maxCompletionTokens token limit ({@code max_completion_tokens})
 * @param n                   number of choices
 * @param stop                stop sequences
 * @param presencePenalty     presence penalty
 * @param frequencyPenalty    frequency penalty
 * @param seed                sampling seed
 * @param user                end-user id
 * @param extra               every other field, passed through untouched
 */
public record ChatRequest(String model, List<ChatMessage> messages, boolean stream,
                          Optional<StreamOptions> streamOptions, List<Tool> tools, Optional<ToolChoice> toolChoice,
                          Optional<Boolean> parallelToolCalls, Optional<ResponseFormat> responseFormat,
                          Optional<Double> temperature, Optional<Double> topP, Optional<Integer> maxTokens,
                          Optional<Integer> maxCompletionTokens, Optional<Integer> n, List<String> stop,
                          Optional<Double> presencePenalty, Optional<Double> frequencyPenalty, Optional<Long> seed,
                          Optional<String> user, Map<String, RawJson> extra) {
    /** Validates and normalises the fields. */
    public ChatRequest {
        Objects.requireNonNull(model, "model");
        messages = Values.list(messages);
        streamOptions = Values.opt(streamOptions);
        tools = Values.list(tools);
        toolChoice = Values.opt(toolChoice);
        parallelToolCalls = Values.opt(parallelToolCalls);
        responseFormat = Values.opt(responseFormat);
        temperature = Values.opt(temperature);
        topP = Values.opt(topP);
        maxTokens = Values.opt(maxTokens);
        maxCompletionTokens = Values.opt(maxCompletionTokens);
        n = Values.opt(n);
        stop = Values.list(stop);
        presencePenalty = Values.opt(presencePenalty);
        frequencyPenalty = Values.opt(frequencyPenalty);
        seed = Values.opt(seed);
        user = Values.opt(user);
        extra = Values.map(extra);
    }

    /** Whether a streamed response should end with a usage chunk. */
    public boolean includeUsage() {
        return streamOptions.map(StreamOptions::includeUsage).orElse(false);
    }

    /** The effective token limit: {@code max_completion_tokens}, else {@code max_tokens}. */
    public Optional<Integer> tokenLimit() {
        return maxCompletionTokens.or(() -> maxTokens);
    }

    /** The same request for another model. */
    public ChatRequest withModel(String newModel) {
        return toBuilder().model(newModel).build();
    }

    /** A new builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this request's values. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.model = model;
        b.messages = new ArrayList<>(messages);
        b.stream = stream;
        b.streamOptions = streamOptions;
        b.tools = new ArrayList<>(tools);
        b.toolChoice = toolChoice;
        b.parallelToolCalls = parallelToolCalls;
        b.responseFormat = responseFormat;
        b.temperature = temperature;
        b.topP = topP;
        b.maxTokens = maxTokens;
        b.maxCompletionTokens = maxCompletionTokens;
        b.n = n;
        b.stop = new ArrayList<>(stop);
        b.presencePenalty = presencePenalty;
        b.frequencyPenalty = frequencyPenalty;
        b.seed = seed;
        b.user = user;
        b.extra = new LinkedHashMap<>(extra);
        return b;
    }

    /** Builds a {@link ChatRequest}. */
    public static final class Builder {
        private String model;
        private List<ChatMessage> messages = new ArrayList<>();
        private boolean stream;
        private Optional<StreamOptions> streamOptions = Optional.empty();
        private List<Tool> tools = new ArrayList<>();
        private Optional<ToolChoice> toolChoice = Optional.empty();
        private Optional<Boolean> parallelToolCalls = Optional.empty();
        private Optional<ResponseFormat> responseFormat = Optional.empty();
        private Optional<Double> temperature = Optional.empty();
        private Optional<Double> topP = Optional.empty();
        private Optional<Integer> maxTokens = Optional.empty();
        private Optional<Integer> maxCompletionTokens = Optional.empty();
        private Optional<Integer> n = Optional.empty();
        private List<String> stop = new ArrayList<>();
        private Optional<Double> presencePenalty = Optional.empty();
        private Optional<Double> frequencyPenalty = Optional.empty();
        private Optional<Long> seed = Optional.empty();
        private Optional<String> user = Optional.empty();
        private Map<String, RawJson> extra = new LinkedHashMap<>();

        private Builder() {
        }

        /** Sets the model. */
        public Builder model(String value) {
            this.model = value;
            return this;
        }

        /** Replaces the messages. */
        public Builder messages(List<ChatMessage> value) {
            this.messages = new ArrayList<>(value);
            return this;
        }

        /** Appends a message. */
        public Builder addMessage(ChatMessage value) {
            this.messages.add(value);
            return this;
        }

        /** Sets streaming. */
        public Builder stream(boolean value) {
            this.stream = value;
            return this;
        }

        /** Sets the stream options. */
        public Builder streamOptions(StreamOptions value) {
            this.streamOptions = Optional.ofNullable(value);
            return this;
        }

        /** Replaces the tools. */
        public Builder tools(List<Tool> value) {
            this.tools = new ArrayList<>(value);
            return this;
        }

        /** Sets the tool choice. */
        public Builder toolChoice(ToolChoice value) {
            this.toolChoice = Optional.ofNullable(value);
            return this;
        }

        /** Sets parallel tool calls. */
        public Builder parallelToolCalls(Boolean value) {
            this.parallelToolCalls = Optional.ofNullable(value);
            return this;
        }

        /** Sets the response format. */
        public Builder responseFormat(ResponseFormat value) {
            this.responseFormat = Optional.ofNullable(value);
            return this;
        }

        /** Sets the temperature. */
        public Builder temperature(Double value) {
            this.temperature = Optional.ofNullable(value);
            return this;
        }

        /** Sets top_p. */
        public Builder topP(Double value) {
            this.topP = Optional.ofNullable(value);
            return this;
        }

        /** Sets max_tokens. */
        public Builder maxTokens(Integer value) {
            this.maxTokens = Optional.ofNullable(value);
            return this;
        }

        /** Sets max_completion_tokens. */
        public Builder maxCompletionTokens(Integer value) {
            this.maxCompletionTokens = Optional.ofNullable(value);
            return this;
        }

        /** Sets n. */
        public Builder n(Integer value) {
            this.n = Optional.ofNullable(value);
            return this;
        }

        /** Replaces the stop sequences. */
        public Builder stop(List<String> value) {
            this.stop = new ArrayList<>(value);
            return this;
        }

        /** Sets the presence penalty. */
        public Builder presencePenalty(Double value) {
            this.presencePenalty = Optional.ofNullable(value);
            return this;
        }

        /** Sets the frequency penalty. */
        public Builder frequencyPenalty(Double value) {
            this.frequencyPenalty = Optional.ofNullable(value);
            return this;
        }

        /** Sets the seed. */
        public Builder seed(Long value) {
            this.seed = Optional.ofNullable(value);
            return this;
        }

        /** Sets the end-user id. */
        public Builder user(String value) {
            this.user = Optional.ofNullable(value);
            return this;
        }

        /** Sets one pass-through field. */
        public Builder extra(String name, RawJson value) {
            this.extra.put(name, value);
            return this;
        }

        /** Replaces the pass-through fields. */
        public Builder extra(Map<String, RawJson> value) {
            this.extra = new LinkedHashMap<>(value);
            return this;
        }

        /** Builds the request. */
        public ChatRequest build() {
            return new ChatRequest(model, messages, stream, streamOptions, tools, toolChoice, parallelToolCalls,
                    responseFormat, temperature, topP, maxTokens, maxCompletionTokens, n, stop, presencePenalty,
                    frequencyPenalty, seed, user, extra);
        }
    }
}
