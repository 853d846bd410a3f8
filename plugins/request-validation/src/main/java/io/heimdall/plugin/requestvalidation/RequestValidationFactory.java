package io.heimdall.plugin.requestvalidation;

import io.heimdall.api.RequestContext;
import io.heimdall.api.hook.Hook;
import io.heimdall.api.hook.RequestOutcome;
import io.heimdall.api.model.ChatMessage;
import io.heimdall.api.model.ChatRequest;
import io.heimdall.api.model.GatewayError;
import io.heimdall.api.model.MessageContent;
import io.heimdall.api.plugin.ConfigSpec;
import io.heimdall.api.plugin.ConfigType;
import io.heimdall.api.plugin.Plugin;
import io.heimdall.api.plugin.PluginConfig;
import io.heimdall.api.plugin.PluginContext;
import io.heimdall.api.plugin.PluginFactory;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Creates the {@code request-validation} hook: limits that apply to every chat request, and per HTTP route
 * ({@code routes: { /v1/messages: {...} }}, matched against the path the request came in on) limits that replace
 * them key by key. A request over a limit is rejected with 400 {@code invalid_request_error} naming the field.
 *
 * <pre>{@code
 * plugins:
 *   - id: request-validation
 *     config:
 *       max-tokens: 4096
 *       max-messages: 200
 *       max-prompt-chars: 400000
 *       allowed-models: [ fast, "openai/gpt-4o*" ]
 *       routes:
 *         /v1/messages: { allowed-models: [ "anthropic/*" ] }
 * }</pre>
 */
public final class RequestValidationFactory implements PluginFactory {
    /** The plugin id used in config. */
    public static final String ID = "request-validation";
    /** The request attribute holding the HTTP path a request came in on (set by the core's HTTP layer). */
    static final String ROUTE_ATTRIBUTE = "heimdall.route";

    /** Creates the factory; ServiceLoader calls this. */
    public RequestValidationFactory() {
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "Rejects chat requests over caps on max_tokens, message count and prompt size, or for models not "
                + "allowed on their route";
    }

    private static ConfigSpec.Builder limits(ConfigSpec.Builder b, boolean top) {
        String inherit = top ? "" : "; absent: the top-level value";
        if (top) {
            b.optional("max-tokens", 0L, "cap of max_tokens and max_completion_tokens; 0: no cap").min(0)
                    .optional("max-messages", 0L, "cap of the number of messages; 0: no cap").min(0)
                    .optional("max-prompt-chars", 0L, "cap of the characters of all message texts; 0: no cap").min(0)
                    .optional("allowed-models", List.of(), "models as the client writes them (* is a wildcard); "
                            + "empty: any");
        } else {
            b.optional("max-tokens", ConfigType.INTEGER, "cap of max_tokens" + inherit).min(0)
                    .optional("max-messages", ConfigType.INTEGER, "cap of the number of messages" + inherit).min(0)
                    .optional("max-prompt-chars", ConfigType.INTEGER, "cap of the prompt's characters" + inherit)
                    .min(0)
                    .optional("allowed-models", ConfigType.STRING_LIST, "allowed models" + inherit);
        }
        return b;
    }

    @Override
    public ConfigSpec configSpec() {
        return limits(ConfigSpec.builder(), true).mapOf("routes", limits(ConfigSpec.builder(), false).build(),
                "per HTTP path (e.g. /v1/chat/completions): limits that replace the top-level ones").build();
    }

    @Override
    public Plugin create(PluginConfig config, PluginContext context) {
        Limits top = Limits.of(config, Optional.empty());
        Map<String, Limits> routes = new LinkedHashMap<>();
        config.childMap("routes").forEach((path, c) -> {
            if (!path.startsWith("/")) {
                throw new IllegalArgumentException("routes." + path + ": a route is an HTTP path starting with /");
            }
            routes.put(path, Limits.of(c, Optional.of(top)));
        });
        return new Validator(top, Map.copyOf(routes));
    }

    /** The limits in force for one route; 0 means no cap, an empty model list any model. */
    record Limits(long maxTokens, long maxMessages, long maxPromptChars, List<Pattern> allowedModels,
                  List<String> allowedText) {
        static Limits of(PluginConfig c, Optional<Limits> parent) {
            boolean own = parent.isEmpty() || c.keys().contains("allowed-models");
            List<String> text = own ? c.strings("allowed-models") : parent.get().allowedText();
            return new Limits(pick(c, "max-tokens", parent.map(Limits::maxTokens)),
                    pick(c, "max-messages", parent.map(Limits::maxMessages)),
                    pick(c, "max-prompt-chars", parent.map(Limits::maxPromptChars)),
                    text.stream().map(Limits::glob).toList(), List.copyOf(text));
        }

        private static long pick(PluginConfig c, String key, Optional<Long> inherited) {
            return c.integer(key).or(() -> inherited).orElse(0L);
        }

        private static Pattern glob(String g) {
            StringBuilder sb = new StringBuilder();
            for (String part : g.split("\\*", -1)) {
                sb.append(Pattern.quote(part)).append(".*");
            }
            return Pattern.compile(sb.substring(0, sb.length() - 2));
        }
    }

    private record Validator(Limits top, Map<String, Limits> routes) implements Plugin, Hook {
        @Override
        public Optional<Hook> hook() {
            return Optional.of(this);
        }

        private static RequestOutcome reject(String message, String param, String code) {
            return RequestOutcome.reject(new GatewayError(400, GatewayError.INVALID_REQUEST, message,
                    Optional.of(param), Optional.of(code), Optional.empty()));
        }

        @Override
        public RequestOutcome onRequest(ChatRequest request, RequestContext context) {
            Object route = context.attributes().get(ROUTE_ATTRIBUTE);
            Limits l = route instanceof String path ? routes.getOrDefault(path, top) : top;
            String where = route instanceof String path && routes.containsKey(path) ? " on route " + path : "";
            if (!l.allowedModels().isEmpty()
                    && l.allowedModels().stream().noneMatch(p -> p.matcher(request.model()).matches())) {
                return reject("Model '" + request.model() + "' is not allowed" + where + " (allowed: "
                        + String.join(", ", l.allowedText()) + ")", "model", "model_not_allowed");
            }
            if (l.maxTokens() > 0) {
                for (Map.Entry<String, Optional<Integer>> e : Map.of("max_tokens", request.maxTokens(),
                        "max_completion_tokens", request.maxCompletionTokens()).entrySet()) {
                    if (e.getValue().isPresent() && e.getValue().get() > l.maxTokens()) {
                        return reject(e.getKey() + " is " + e.getValue().get() + ", more than the cap of "
                                + l.maxTokens() + where, e.getKey(), "max_tokens_too_large");
                    }
                }
            }
            if (l.maxMessages() > 0 && request.messages().size() > l.maxMessages()) {
                return reject("The request has " + request.messages().size() + " messages, more than the cap of "
                        + l.maxMessages() + where, "messages", "too_many_messages");
            }
            if (l.maxPromptChars() > 0) {
                long chars = 0;
                for (ChatMessage m : request.messages()) {
                    chars += m.content().map(MessageContent::text).map(String::length).orElse(0);
                }
                if (chars > l.maxPromptChars()) {
                    return reject("The prompt has " + chars + " characters, more than the cap of "
                            + l.maxPromptChars() + where, "messages", "prompt_too_large");
                }
            }
            return RequestOutcome.proceed(request);
        }
    }
}
