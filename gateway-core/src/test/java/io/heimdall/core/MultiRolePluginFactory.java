package io.heimdall.core;

import io.heimdall.api.GatewayException;
import io.heimdall.api.RequestContext;
import io.heimdall.api.auth.AuthDecision;
import io.heimdall.api.auth.Authenticator;
import io.heimdall.api.auth.Caller;
import io.heimdall.api.endpoint.Access;
import io.heimdall.api.endpoint.Endpoint;
import io.heimdall.api.hook.Hook;
import io.heimdall.api.hook.RequestOutcome;
import io.heimdall.api.model.ChatChunk;
import io.heimdall.api.model.ChatMessage;
import io.heimdall.api.model.ChatRequest;
import io.heimdall.api.model.ChatResponse;
import io.heimdall.api.model.ChunkChoice;
import io.heimdall.api.model.ChunkDelta;
import io.heimdall.api.model.FinishReason;
import io.heimdall.api.model.GatewayError;
import io.heimdall.api.model.ModelInfo;
import io.heimdall.api.observe.AttemptStart;
import io.heimdall.api.observe.Observer;
import io.heimdall.api.observe.RequestSummary;
import io.heimdall.api.plugin.ConfigSpec;
import io.heimdall.api.plugin.ConfigType;
import io.heimdall.api.plugin.Plugin;
import io.heimdall.api.plugin.PluginConfig;
import io.heimdall.api.plugin.PluginContext;
import io.heimdall.api.plugin.PluginFactory;
import io.heimdall.api.plugin.Secret;
import io.heimdall.api.route.Attempt;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A test plugin that takes every role at once and shares state between them: an authenticator (bearer {@code key}
 * is caller {@code alice}, allowed models {@code allowed}), a hook (counts, answers "stream me" with a stream of its
 * own, records onEnd), an observer (collects attempts and summaries), and routes (stats, echo, SSE, a pipeline run).
 */
final class MultiRolePluginFactory implements PluginFactory {
    static final AtomicInteger CREATED = new AtomicInteger();
    static final AtomicInteger CLOSED = new AtomicInteger();
    static final ConcurrentLinkedQueue<Attempt> ATTEMPTS = new ConcurrentLinkedQueue<>();
    static final java.util.Map<String, RequestSummary> ENDS = new java.util.concurrent.ConcurrentHashMap<>();
    static final java.util.Map<String, RequestSummary> FINISHED = new java.util.concurrent.ConcurrentHashMap<>();
    static final ConcurrentLinkedQueue<String> ATTEMPT_HEADERS = new ConcurrentLinkedQueue<>();

    private final String id;

    MultiRolePluginFactory() {
        this("test-multi");
    }

    MultiRolePluginFactory(String id) {
        this.id = id;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public ConfigSpec configSpec() {
        return ConfigSpec.builder()
                .optional("key", ConfigType.SECRET, "the bearer key of caller alice; no authenticator if unset")
                .optional("allowed", ConfigType.STRING_LIST, "alice's allowed models")
                .optional("route", ConfigType.STRING, "/test/stats", "the stats route")
                .optional("label", ConfigType.STRING, "one", "changes nothing but the config")
                .build();
    }

    @Override
    public Plugin create(PluginConfig config, PluginContext context) {
        return new Multi(CREATED.incrementAndGet(), config.secret("key"), config.strings("allowed"),
                config.string("route").orElseThrow(), context);
    }

    static final class Multi implements Plugin, Hook, Observer {
        final int instance;
        final Optional<Secret> key;
        final List<String> allowed;
        final String route;
        final PluginContext context;
        final AtomicInteger requests = new AtomicInteger();

        Multi(int instance, Optional<Secret> key, List<String> allowed, String route, PluginContext context) {
            this.instance = instance;
            this.key = key;
            this.allowed = allowed;
            this.route = route;
            this.context = context;
        }

        @Override
        public Optional<Hook> hook() {
            return Optional.of(this);
        }

        @Override
        public Optional<Observer> observer() {
            return Optional.of(this);
        }

        @Override
        public Optional<Authenticator> authenticator() {
            return key.map(k -> c -> c.presented().map(p -> p.equals(k)
                            ? AuthDecision.allow(Caller.of("alice").withTags(Set.of("team-a"))
                            .withAllowedModels(allowed.isEmpty() ? List.of("*") : allowed))
                            : AuthDecision.unauthorized("Unknown key"))
                    .orElse(AuthDecision.abstain()));
        }

        @Override
        public List<Endpoint> endpoints() {
            return List.of(
                    Endpoint.get(route, (req, res) -> res.json(("{\"instance\":" + instance + ",\"requests\":"
                            + requests.get() + ",\"caller\":\"" + req.context().caller().id() + "\"}")
                            .getBytes(StandardCharsets.UTF_8))),
                    Endpoint.post("/test/echo/{name}", (req, res) -> res.status(201).header("x-name",
                            req.pathParam("name").orElseThrow()).send("text/plain", req.body())),
                    Endpoint.get("/test/public", (req, res) -> res.send("text/plain", "open"))
                            .withAccess(Access.PUBLIC),
                    Endpoint.get("/test/fail", (req, res) -> {
                        throw new GatewayException(GatewayError.of(409, GatewayError.INVALID_REQUEST, "no way",
                                "conflict"));
                    }),
                    Endpoint.get("/test/sse", (req, res) -> {
                        try (var sse = res.sse()) {
                            sse.event("message_start", "{\"n\":1}");
                            sse.data("line one\nline two");
                            sse.comment("ping");
                        }
                    }),
                    Endpoint.post("/test/chat", (req, res) -> {
                        String text = new String(req.body(), StandardCharsets.UTF_8);
                        ChatResponse r = context.pipeline().chat(ChatRequest.builder().model("fast")
                                .addMessage(ChatMessage.user(text)).build(), req.context());
                        res.send("text/plain", r.choices().getFirst().message().text());
                    }));
        }

        @Override
        public RequestOutcome onRequest(ChatRequest request, RequestContext ctx) {
            requests.incrementAndGet();
            ctx.setResponseHeader("x-multi-caller", ctx.caller().id());
            if (request.messages().getLast().text().equals("stream me")) {
                return RequestOutcome.stream(sink -> {
                    for (String w : List.of("streamed ", "by ", "hook")) {
                        sink.accept(ChatChunk.of("chatcmpl-hook", 1, request.model(),
                                ChunkChoice.of(0, ChunkDelta.text(w), null)));
                    }
                    sink.accept(ChatChunk.of("chatcmpl-hook", 1, request.model(),
                            ChunkChoice.of(0, ChunkDelta.EMPTY, FinishReason.STOP)));
                });
            }
            if (request.messages().getLast().text().equals("child please")) {
                ChatResponse child = context.gateway().chat(ChatRequest.builder().model("fast")
                        .addMessage(ChatMessage.user("from child")).build(), ctx);
                return RequestOutcome.answer(child);
            }
            return RequestOutcome.proceed(request);
        }

        @Override
        public List<ModelInfo> onModels(List<ModelInfo> models, RequestContext ctx) {
            return models.stream().filter(m -> !m.id().equals("hidden")).toList();
        }

        @Override
        public void onEnd(RequestSummary summary, RequestContext ctx) {
            ENDS.put(ctx.requestId(), summary);
        }

        @Override
        public void attemptStarted(AttemptStart start) {
            start.setUpstreamHeader("x-attempt", Integer.toString(start.number()));
            ATTEMPT_HEADERS.add(start.context().requestId() + ":" + start.number());
        }

        @Override
        public void attemptFinished(Attempt attempt, RequestContext ctx) {
            ATTEMPTS.add(attempt);
        }

        @Override
        public void requestFinished(RequestSummary summary, RequestContext ctx) {
            FINISHED.put(ctx.requestId(), summary);
        }

        @Override
        public void close() {
            CLOSED.incrementAndGet();
        }
    }
}
