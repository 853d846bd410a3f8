package io.heimdall.plugin.jsonvalidation;

import io.heimdall.api.GatewayException;
import io.heimdall.api.RequestContext;
import io.heimdall.api.hook.Hook;
import io.heimdall.api.hook.HookOutcome;
import io.heimdall.api.hook.RequestOutcome;
import io.heimdall.api.model.ChatChunk;
import io.heimdall.api.model.ChatMessage;
import io.heimdall.api.model.ChatRequest;
import io.heimdall.api.model.ChatResponse;
import io.heimdall.api.model.Choice;
import io.heimdall.api.model.ChunkChoice;
import io.heimdall.api.model.GatewayError;
import io.heimdall.api.model.MessageContent;
import io.heimdall.api.model.RawJson;
import io.heimdall.api.model.ResponseFormat;
import io.heimdall.api.plugin.Plugin;
import io.heimdall.api.plugin.PluginContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The hook. {@code onRequest} decides which check applies (the request's {@code response_format}, else the first
 * matching configured rule) and keeps it in the request's attributes; {@code onResponse} checks every choice's text
 * and, on failure, re-runs the request as a child request ({@link PluginContext#gateway()}: routed with retries but
 * without hooks or cache) on the same model or the next fallback model, up to {@code max-retries}, or answers 502
 * {@code json_validation_failed}. A stream's text is gathered per choice in {@code onChunk} and checked at the chunk
 * carrying its {@code finish_reason}; an invalid one ends the stream with an error event instead (bytes already sent
 * cannot be retried).
 */
final class JsonValidator implements Plugin, Hook {
    /**
     * The settings.
     *
     * @param onFailure      error, retry-same or retry-next
     * @param maxRetries     re-runs before giving up
     * @param feedback       whether a re-run tells the model why its output was refused
     * @param fallbackModels retry-next's models after the request's own fallbacks
     * @param responseFormat whether response_format is enforced
     */
    record Settings(String onFailure, int maxRetries, boolean feedback, List<String> fallbackModels,
                    boolean responseFormat) {
    }

    /**
     * A configured schema.
     *
     * @param models model globs (empty: any)
     * @param routes HTTP paths (empty: any)
     * @param check  the schema
     */
    record Rule(List<Pattern> models, List<String> routes, JsonCheck check) {
        boolean applies(String model, Optional<String> route) {
            return (models.isEmpty() || models.stream().anyMatch(p -> p.matcher(model).matches()))
                    && (routes.isEmpty() || route.filter(routes::contains).isPresent());
        }
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String CHECK = JsonValidationFactory.ID + ".check";
    private static final String STREAMED = JsonValidationFactory.ID + ".streamed";
    private final Settings settings;
    private final List<Rule> rules;
    private final PluginContext context;

    JsonValidator(Settings settings, List<Rule> rules, PluginContext context) {
        this.settings = settings;
        this.rules = rules;
        this.context = context;
    }

    @Override
    public Optional<Hook> hook() {
        return Optional.of(this);
    }

    @Override
    public RequestOutcome onRequest(ChatRequest request, RequestContext ctx) {
        Optional<JsonCheck> check;
        try {
            check = checkFor(request, ctx);
        } catch (IllegalArgumentException e) {
            return RequestOutcome.reject(new GatewayError(400, GatewayError.INVALID_REQUEST, e.getMessage(),
                    Optional.of("response_format"), Optional.of("invalid_json_schema"), Optional.empty()));
        }
        check.ifPresent(c -> ctx.attributes().put(CHECK, c));
        return RequestOutcome.proceed(request);
    }

    private Optional<JsonCheck> checkFor(ChatRequest request, RequestContext ctx) {
        Optional<ResponseFormat> rf = request.responseFormat();
        if (settings.responseFormat() && rf.isPresent()) {
            switch (rf.get().type()) {
                case "json_object" -> {
                    return Optional.of(JsonCheck.anyObject("response_format"));
                }
                case "json_schema" -> {
                    if (rf.get().schema().isPresent()) {
                        return Optional.of(JsonCheck.schema("response_format", rf.get().schema().get().json()));
                    }
                    return Optional.of(JsonCheck.anyObject("response_format"));
                }
                default -> {
                }
            }
        }
        Optional<String> route = Optional.ofNullable(ctx.attributes().get("heimdall.route"))
                .filter(String.class::isInstance).map(String.class::cast);
        return rules.stream().filter(r -> r.applies(request.model(), route)).findFirst().map(Rule::check);
    }

    private static Optional<String> problem(JsonCheck check, ChatResponse response) {
        for (Choice c : response.choices()) {
            Optional<String> text = c.message().content().map(MessageContent::text);
            if (text.isEmpty() && !c.message().toolCalls().isEmpty()) {
                continue;
            }
            Optional<String> p = check.problem(text.orElse(""));
            if (p.isPresent()) {
                return response.choices().size() > 1 ? p.map(s -> "choice " + c.index() + ": " + s) : p;
            }
        }
        return Optional.empty();
    }

    private static GatewayError failure(JsonCheck check, String problem) {
        return new GatewayError(502, GatewayError.API_ERROR, "The model's output failed JSON validation against "
                + check.source() + ": " + problem, check.source().equals("response_format")
                ? Optional.of("response_format") : Optional.empty(), Optional.of("json_validation_failed"),
                Optional.empty());
    }

    @Override
    public HookOutcome<ChatResponse> onResponse(ChatRequest request, ChatResponse response, RequestContext ctx) {
        if (!(ctx.attributes().get(CHECK) instanceof JsonCheck check) || ctx.attributes().containsKey(STREAMED)) {
            return HookOutcome.proceed(response);
        }
        Optional<String> problem = problem(check, response);
        if (problem.isEmpty() || settings.onFailure().equals("error")) {
            return problem.isEmpty() ? HookOutcome.proceed(response)
                    : HookOutcome.reject(failure(check, problem.get()));
        }
        List<String> next = settings.onFailure().equals("retry-next") ? nextModels(request) : List.of();
        for (int i = 0; i < settings.maxRetries(); i++) {
            String model;
            if (settings.onFailure().equals("retry-same")) {
                model = request.model();
            } else if (i < next.size()) {
                model = next.get(i);
            } else {
                break;
            }
            ChatRequest again = retry(request, model, problem.get());
            try {
                ChatResponse r = context.gateway().chat(again, ctx);
                problem = problem(check, r);
                if (problem.isEmpty()) {
                    ctx.setResponseHeader("x-heimdall-json-retries", Integer.toString(i + 1));
                    return HookOutcome.proceed(r);
                }
            } catch (GatewayException e) {
                problem = Optional.of("the re-run on " + model + " failed: " + e.error().message());
            }
            context.logger().log(System.Logger.Level.INFO, "Request {0}: re-run {1} on {2} still invalid",
                    ctx.requestId(), i + 1, model);
        }
        return HookOutcome.reject(failure(check, problem.get() + " (after re-running the request)"));
    }

    /** The request's own fallbacks, then the configured fallback models, without the model already tried. */
    private List<String> nextModels(ChatRequest request) {
        List<String> out = new ArrayList<>();
        RawJson own = request.extra().get("fallbacks");
        if (own != null) {
            try {
                for (JsonNode n : JSON.readTree(own.json())) {
                    if (n.isString()) {
                        out.add(n.asString());
                    }
                }
            } catch (RuntimeException ignored) {
                // the core validates fallbacks; a shape it accepted but we cannot read adds nothing
            }
        }
        out.addAll(settings.fallbackModels());
        out.removeIf(m -> m.equals(request.model()));
        return out.stream().distinct().toList();
    }

    private ChatRequest retry(ChatRequest request, String model, String problem) {
        Map<String, RawJson> extra = new LinkedHashMap<>(request.extra());
        extra.remove("fallbacks");
        ChatRequest.Builder b = request.toBuilder().model(model).stream(false).extra(extra);
        if (settings.feedback()) {
            b.addMessage(ChatMessage.user("Your previous answer was refused: " + problem
                    + ". Answer again with only the JSON."));
        }
        return b.build();
    }

    @Override
    public HookOutcome<ChatChunk> onChunk(ChatChunk chunk, RequestContext ctx) {
        if (!(ctx.attributes().get(CHECK) instanceof JsonCheck check) || chunk.choices().isEmpty()) {
            return HookOutcome.proceed(chunk);
        }
        @SuppressWarnings("unchecked")
        Map<Integer, StringBuilder> texts = (Map<Integer, StringBuilder>) ctx.attributes().computeIfAbsent(STREAMED,
                k -> new ConcurrentHashMap<Integer, StringBuilder>());
        for (ChunkChoice c : chunk.choices()) {
            StringBuilder sb = texts.computeIfAbsent(c.index(), k -> new StringBuilder());
            c.delta().content().ifPresent(sb::append);
            if (!c.delta().toolCalls().isEmpty()) {
                sb.append('\u0000');
            }
            if (c.finishReason().isPresent()) {
                String text = sb.toString();
                if (text.indexOf('\u0000') >= 0 && text.replace("\u0000", "").isBlank()) {
                    continue;
                }
                Optional<String> problem = check.problem(text);
                if (problem.isPresent()) {
                    return HookOutcome.reject(failure(check, problem.get()));
                }
            }
        }
        return HookOutcome.proceed(chunk);
    }
}
