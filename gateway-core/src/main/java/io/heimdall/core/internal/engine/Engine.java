package io.heimdall.core.internal.engine;

import io.heimdall.api.GatewayException;
import io.heimdall.api.RequestContext;
import io.heimdall.api.cache.CachedAnswer;
import io.heimdall.api.cache.ResponseCache;
import io.heimdall.api.hook.Hook;
import io.heimdall.api.hook.HookOutcome;
import io.heimdall.api.hook.RequestOutcome;
import io.heimdall.api.model.ChatChunk;
import io.heimdall.api.model.ChatRequest;
import io.heimdall.api.model.ChatResponse;
import io.heimdall.api.model.EmbeddingRequest;
import io.heimdall.api.model.EmbeddingResponse;
import io.heimdall.api.model.GatewayError;
import io.heimdall.api.model.ModelInfo;
import io.heimdall.api.model.StreamOptions;
import io.heimdall.api.observe.ResponseInfo;
import io.heimdall.api.plugin.GatewayClient;
import io.heimdall.api.plugin.Pipeline;
import io.heimdall.api.provider.ChunkSink;
import io.heimdall.core.internal.metrics.MetricsRegistry;
import io.heimdall.core.internal.resilience.TargetHealthRegistry;
import io.heimdall.core.internal.wire.JacksonOpenAiWire;
import io.heimdall.core.internal.wire.RelayedResponse;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The request pipeline over the current {@link Generation}: the caller's model allow-list, pre-hooks in order (which
 * may answer, also with a stream), cache lookup, attempts over the router's plan (see {@link AttemptRunner}),
 * post-hooks in reverse order, cache store off the response path, and every hook told when the request ended.
 * Transport-agnostic: the HTTP layer decodes and encodes; plugins run it as {@link Pipeline}, and call the providers
 * without hooks as {@link GatewayClient} (child requests).
 */
public final class Engine implements Pipeline, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Engine.class.getName());
    private final AtomicReference<Generation> current = new AtomicReference<>();
    private final ExecutorService background = Executors.newVirtualThreadPerTaskExecutor();
    private final CoreMetrics metrics;
    private final Observers observers;
    private final AttemptRunner runner;
    private final ModelLister lister;
    private final TargetHealthRegistry health = new TargetHealthRegistry();
    private final HealthProbes probes;
    private final JacksonOpenAiWire wire;

    /**
     * An engine recording into {@code registry}, with no generation yet; {@link #install} one before serving. The wire
     * codec reads the upstream chunks it relays untouched.
     */
    public Engine(MetricsRegistry registry, JacksonOpenAiWire wire) {
        this.wire = wire;
        this.metrics = new CoreMetrics(registry);
        this.observers = new Observers(metrics);
        this.runner = new AttemptRunner(observers, health, metrics);
        this.lister = new ModelLister(background);
        this.probes = new HealthProbes(this::current, health, background);
    }

    /** The core's metrics. */
    public CoreMetrics metrics() {
        return metrics;
    }

    /** Installs a generation; the previous one is retired and lets go of its instances when its last request ends. */
    public void install(Generation next) {
        List<io.heimdall.core.internal.resilience.TargetSpec> specs = next.targetSpecs();
        TargetHealthRegistry.Changes changes = health.reconcile(specs, next.resilienceSettings());
        metrics.health(health, specs);
        LOG.log(System.Logger.Level.DEBUG, "Target health: {0}", changes);
        Generation previous = current.getAndSet(next);
        if (previous != null) {
            previous.retire();
        }
    }

    /** The per-target health that outlives generations (breakers, key cooldowns, bulkheads). */
    public TargetHealthRegistry health() {
        return health;
    }

    /** The generation in force, if any. */
    public Optional<Generation> current() {
        return Optional.ofNullable(current.get());
    }

    /** Enters the current generation; the caller must {@link Generation#exit()} it. */
    Generation enter() {
        while (true) {
            Generation g = current.get();
            if (g == null) {
                throw new GatewayException(GatewayError.of(503, GatewayError.API_ERROR,
                        "The gateway is starting; no config is loaded yet", "not_ready"));
            }
            if (g.enter()) {
                return g;
            }
        }
    }

    /** Runs {@code work} inside the current generation (for plugin routes, whose handlers belong to it). */
    public void within(java.util.function.Consumer<Generation> work) {
        Generation g = enter();
        try {
            work.accept(g);
        } finally {
            g.exit();
        }
    }

    // ------------------------------------------------------------------ chat

    /** A sink for a streamed response. */
    public interface StreamSink {
        /** Sends one chunk to the client. Throws GatewayException 499 if the client has gone. */
        void chunk(ChatChunk chunk);

        /** A stream succeeded; called before observers learn how the request ended (its terminator comes after). */
        default void finish() {
        }

        /** Whether this sink can write an upstream's OpenAI chunk JSON as it arrived ({@link #json}). */
        default boolean writesJson() {
            return false;
        }

        /**
         * Sends one chunk given as OpenAI chunk JSON, {@code chunkJson[0, length)} less the bytes
         * {@code [skipFrom, skipTo)}; only when {@link #writesJson()}. The array may be the upstream reader's own:
         * nothing of it is kept after the call. Throws 499 as {@link #chunk}.
         */
        default void json(byte[] chunkJson, int length, int skipFrom, int skipTo) {
            throw new UnsupportedOperationException("This sink writes chunk objects only");
        }
    }

    /**
     * What the transport makes of a non-streamed answer (its encoded bytes, counted), called before observers learn
     * how the request ended.
     *
     * @param <T> what the transport keeps
     */
    public interface ChatFinish<T> {
        /** From the final response object. */
        T response(ChatResponse response);

        /** Whether this transport can write an upstream's OpenAI {@code chat.completion} JSON as it came. */
        default boolean writesJson() {
            return false;
        }

        /** From an upstream's OpenAI {@code chat.completion} JSON, relayed untouched; only when {@link #writesJson()}. */
        default T json(byte[] body) {
            throw new UnsupportedOperationException("This transport writes response objects only");
        }
    }

    /** Serves a non-streamed chat request through the whole pipeline. */
    public ChatResponse serveChat(ChatRequest request, DefaultRequestContext ctx) {
        return serveChat(request, ctx, (ChatFinish<ChatResponse>) r -> r);
    }

    /**
     * Serves a non-streamed chat request through the whole pipeline and returns what {@code finish} makes of the final
     * response. With no cache, no hook that sees responses and a transport that writes JSON, a provider that answers
     * in OpenAI JSON has its body relayed untouched ({@link io.heimdall.api.provider.Provider#chatOpenAiJson}).
     */
    public <T> T serveChat(ChatRequest request, DefaultRequestContext ctx, ChatFinish<T> finish) {
        Generation g = enter();
        Run run = new Run(g, observers, metrics, "chat", request.model(), ctx);
        try {
            checkAllowed(ctx, request.model());
            Pre pre = preHooks(g, request, ctx, run);
            ChatResponse response;
            switch (pre.outcome) {
                case RequestOutcome.Answer a -> {
                    response = a.response();
                    run.servedBy("hook");
                }
                case RequestOutcome.Stream s -> {
                    StreamAccumulator acc = new StreamAccumulator(false);
                    s.answer().stream(acc::add);
                    response = acc.response();
                    run.servedBy("hook");
                }
                default -> {
                    Optional<CachedAnswer> hit = lookup(g, pre.request, ctx);
                    if (hit.isPresent()) {
                        response = hit.get().response();
                        run.cached(hit.get().tier());
                    } else {
                        ChatRequest routed = Fallbacks.strip(pre.request);
                        List<String> fallbacks = Fallbacks.of(pre.request, ctx);
                        // Nothing needs the answer as an object: relay an OpenAI upstream's body as it came.
                        boolean relay = finish.writesJson() && !g.hooksSeeStreams && g.cache.isEmpty();
                        Object answer = runner.run(g, routed.model(), fallbacks, ctx, Needs.of(routed),
                                (slot, target, call, state) -> {
                            ChatRequest upstream = routed.withModel(target.model());
                            if (relay && slot.provider().answersInOpenAiJson()) {
                                byte[] body = slot.provider().chatOpenAiJson(upstream, call);
                                Optional<RelayedResponse> relayed = wire.relayedResponse(body);
                                if (relayed.isPresent()) {
                                    state.usage(relayed.get().usage());
                                    return relayed.get();
                                }
                                ChatResponse decoded = wire.decodeChatResponse(body);
                                state.usage(decoded.usage());
                                return decoded;
                            }
                            ChatResponse r = slot.provider().chat(upstream, call);
                            state.usage(r.usage());
                            return r;
                        }, () -> true);
                        if (answer instanceof RelayedResponse relayed) {
                            run.answered(relayed.info());
                            run.succeeded(relayed.usage());
                            return finish.json(relayed.bytes());
                        }
                        response = (ChatResponse) answer;
                        store(g, routed, new CachedAnswer(response, List.of()), ctx);
                    }
                }
            }
            response = postHooks(g, pre.ran, pre.request, response, ctx, run);
            run.answered(ResponseInfo.of(response));
            run.succeeded(response.usage());
            return finish.response(response);
        } catch (RuntimeException e) {
            throw run.failed(e);
        } finally {
            run.end();
            g.exit();
        }
    }

    /**
     * Serves a streamed chat request. Chunks go to {@code sink} as they arrive; an exception thrown before the first
     * chunk means nothing was sent and the transport answers with an error status; after it, the transport ends the
     * stream with an error event.
     */
    public void serveStream(ChatRequest request, DefaultRequestContext ctx, StreamSink sink) {
        Generation g = enter();
        Run run = new Run(g, observers, metrics, "chat.stream", request.model(), ctx);
        StreamAccumulator acc = new StreamAccumulator(false);
        // The cache stores the stream as the provider sent it, before the chunk hooks (a hit is replayed through them).
        Optional<StreamAccumulator> asSent = g.cache.map(c -> new StreamAccumulator(true));
        try {
            checkAllowed(ctx, request.model());
            Pre pre = preHooks(g, request, ctx, run);
            Delivery delivery = new Delivery(g, pre.ran, pre.request.includeUsage(), acc, sink, ctx, run);
            switch (pre.outcome) {
                case RequestOutcome.Answer a -> {
                    run.servedBy("hook");
                    for (ChatChunk c : ChunkReplay.chunks(a.response())) {
                        delivery.accept(c);
                    }
                }
                case RequestOutcome.Stream s -> {
                    run.servedBy("hook");
                    s.answer().stream(delivery);
                }
                default -> {
                    Optional<CachedAnswer> hit = lookup(g, pre.request, ctx);
                    if (hit.isPresent()) {
                        run.cached(hit.get().tier());
                        List<ChatChunk> chunks = hit.get().chunks().isEmpty()
                                ? ChunkReplay.chunks(hit.get().response()) : hit.get().chunks();
                        for (ChatChunk c : chunks) {
                            delivery.accept(c);
                        }
                    } else {
                        streamFromProviders(g, pre.request, ctx, delivery, acc, asSent);
                    }
                }
            }
            if (pre.ran > 0 && g.hooksSeeStreams) {
                observePostHooks(g, pre, acc.response(), ctx, run);
            }
            run.answered(delivery.info());
            run.succeeded(acc.usage());
            sink.finish();
        } catch (RuntimeException e) {
            run.usage(acc.usage());
            throw run.failed(e);
        } finally {
            run.end();
            g.exit();
        }
    }

    private void streamFromProviders(Generation g, ChatRequest request, DefaultRequestContext ctx, Delivery delivery,
                                     StreamAccumulator acc, Optional<StreamAccumulator> asSent) {
        // Always ask the upstream for usage (for metrics and logs); the usage chunk is dropped if the client did not
        // ask for it.
        ChatRequest upstream = Fallbacks.strip(request).toBuilder().stream(true).streamOptions(new StreamOptions(true,
                request.streamOptions().map(StreamOptions::extra).orElse(Map.of()))).build();
        List<String> fallbacks = Fallbacks.of(request, ctx);
        // No hook that sees chunks or responses, no cache to keep them, a transport that writes JSON: relay the
        // upstream's bytes (the hooks' default onChunk would pass every chunk through unchanged).
        Optional<JacksonOpenAiWire> relay = !g.hooksSeeStreams && asSent.isEmpty() && delivery.sink().writesJson()
                ? Optional.of(wire) : Optional.empty();
        runner.run(g, upstream.model(), fallbacks, ctx, Needs.of(upstream), (slot, target, call, state) -> {
            slot.provider().stream(upstream.withModel(target.model()), call,
                    new UpstreamChunks(state, asSent, delivery, relay));
            state.usage(acc.usage());
            return Boolean.TRUE;
        }, () -> delivery.delivered() == 0);
        if (acc.size() > 0 && asSent.isPresent()) {
            StreamAccumulator sent = asSent.get();
            store(g, request, new CachedAnswer(sent.response(), sent.chunks()), ctx);
        }
    }

    private record Pre(ChatRequest request, RequestOutcome outcome, int ran) {
    }

    private Pre preHooks(Generation g, ChatRequest request, DefaultRequestContext ctx, Run run) {
        ChatRequest r = request;
        for (int i = 0; i < g.hooks.size(); i++) {
            Generation.Named<Hook> h = g.hooks.get(i);
            ChatRequest current = r;
            run.hookRan(i + 1);
            RequestOutcome outcome = Hooks.run(h, run, () -> h.role().onRequest(current, ctx));
            switch (outcome) {
                case RequestOutcome.Proceed p -> r = p.request();
                case RequestOutcome.Reject rej -> throw new GatewayException(rej.error());
                case RequestOutcome.Answer a -> {
                    return new Pre(r, a, i + 1);
                }
                case RequestOutcome.Stream s -> {
                    return new Pre(r, s, i + 1);
                }
            }
            if (!r.model().equals(current.model())) {
                checkAllowed(ctx, r.model());
            }
        }
        return new Pre(r, RequestOutcome.proceed(r), g.hooks.size());
    }

    private static ChatResponse postHooks(Generation g, int ran, ChatRequest request, ChatResponse response,
                                          DefaultRequestContext ctx, Run run) {
        ChatResponse r = response;
        for (int i = ran - 1; i >= 0; i--) {
            Generation.Named<Hook> h = g.hooks.get(i);
            ChatResponse current = r;
            switch (Hooks.run(h, run, () -> h.role().onResponse(request, current, ctx))) {
                case HookOutcome.Proceed<ChatResponse> p -> r = p.value();
                case HookOutcome.Reject<ChatResponse> rej -> throw new GatewayException(rej.error());
            }
        }
        return r;
    }

    private static void observePostHooks(Generation g, Pre pre, ChatResponse response, DefaultRequestContext ctx,
                                         Run run) {
        for (int i = pre.ran - 1; i >= 0; i--) {
            Generation.Named<Hook> h = g.hooks.get(i);
            try {
                if (Hooks.run(h, run, () -> h.role().onResponse(pre.request, response, ctx))
                        instanceof HookOutcome.Reject<ChatResponse> rej) {
                    Hooks.LOG.log(System.Logger.Level.WARNING, "Hook {0} rejected the streamed response of request "
                            + "{1} after it was sent: {2}", h.id(), ctx.requestId(), rej.error().message());
                }
            } catch (GatewayException e) {
                // logged by Hooks.run
            }
        }
    }

    private static void checkAllowed(DefaultRequestContext ctx, String model) {
        if (!ctx.caller().allows(model)) {
            throw new GatewayException(new GatewayError(403, GatewayError.PERMISSION, "Caller '" + ctx.caller().id()
                    + "' may not use model '" + model + "'", Optional.of("model"), Optional.of("model_not_allowed"),
                    Optional.empty()));
        }
    }

    private Optional<CachedAnswer> lookup(Generation g, ChatRequest request, RequestContext ctx) {
        if (g.cache.isEmpty()) {
            return Optional.empty();
        }
        try {
            Optional<CachedAnswer> hit = g.cache.get().role().lookup(request, ctx);
            metrics.cacheLookup(hit.map(CachedAnswer::tier));
            return hit;
        } catch (RuntimeException e) {
            Hooks.LOG.log(System.Logger.Level.WARNING, "Cache lookup failed; answering from the provider", e);
            return Optional.empty();
        }
    }

    private void store(Generation g, ChatRequest request, CachedAnswer answer, RequestContext ctx) {
        if (g.cache.isEmpty() || !g.enter()) {
            return;
        }
        ResponseCache cache = g.cache.get().role();
        try {
            background.submit(() -> {
                try {
                    cache.store(request, answer, ctx);
                } catch (RuntimeException e) {
                    Hooks.LOG.log(System.Logger.Level.WARNING, "Cache store failed", e);
                } finally {
                    g.exit();
                }
            });
        } catch (RuntimeException e) {
            g.exit();
        }
    }

    // ------------------------------------------------------------------ embeddings and models

    /** Serves an embeddings request. */
    public EmbeddingResponse serveEmbeddings(EmbeddingRequest request, DefaultRequestContext ctx) {
        return serveEmbeddings(request, ctx, java.util.function.Function.identity());
    }

    /** Serves an embeddings request; returns what {@code finish} makes of the response, before observers learn it. */
    public <T> T serveEmbeddings(EmbeddingRequest request, DefaultRequestContext ctx,
                                 java.util.function.Function<EmbeddingResponse, T> finish) {
        Generation g = enter();
        Run run = new Run(g, observers, metrics, "embeddings", request.model(), ctx);
        try {
            checkAllowed(ctx, request.model());
            EmbeddingRequest r = request;
            for (int i = 0; i < g.hooks.size(); i++) {
                Generation.Named<Hook> h = g.hooks.get(i);
                EmbeddingRequest current = r;
                run.hookRan(i + 1);
                switch (Hooks.run(h, run, () -> h.role().onEmbeddings(current, ctx))) {
                    case HookOutcome.Proceed<EmbeddingRequest> p -> r = p.value();
                    case HookOutcome.Reject<EmbeddingRequest> rej -> throw new GatewayException(rej.error());
                }
            }
            EmbeddingRequest routed = r;
            checkAllowed(ctx, routed.model());
            EmbeddingResponse response = runner.run(g, routed.model(), List.of(), ctx, Needs.embeddings(),
                    (slot, target, call, state) ->
                    slot.provider().embed(routed.withModel(target.model()), call), () -> true);
            run.succeeded(Optional.empty());
            return finish.apply(response);
        } catch (RuntimeException e) {
            throw run.failed(e);
        } finally {
            run.end();
            g.exit();
        }
    }

    /**
     * The models the caller may use: every alias, then each provider's models as {@code provider/model}, asked of all
     * providers at once and bounded by the deadline, filtered by the caller's allow-list and the hooks.
     */
    public List<ModelInfo> listModels(DefaultRequestContext ctx) {
        Generation g = enter();
        try {
            List<ModelInfo> models = lister.list(g, ctx).stream().filter(m -> ctx.caller().allows(m.id())).toList();
            for (Generation.Named<Hook> h : g.hooks) {
                List<ModelInfo> current = models;
                models = List.copyOf(Hooks.runPlain(h, metrics, () -> h.role().onModels(current, ctx)));
            }
            return models;
        } finally {
            g.exit();
        }
    }

    // ------------------------------------------------------------------ Pipeline (plugin routes, embedding)

    @Override
    public ChatResponse chat(ChatRequest request, RequestContext context) {
        if (context.parent().isPresent() || !(context instanceof DefaultRequestContext)) {
            return serveChat(request, DefaultRequestContext.adopt(context));
        }
        return serveChat(request, (DefaultRequestContext) context);
    }

    @Override
    public void stream(ChatRequest request, RequestContext context, ChunkSink sink) {
        serveStream(request.toBuilder().stream(true).build(), DefaultRequestContext.adopt(context), sink::accept);
    }

    @Override
    public EmbeddingResponse embed(EmbeddingRequest request, RequestContext context) {
        return serveEmbeddings(request, DefaultRequestContext.adopt(context));
    }

    @Override
    public List<ModelInfo> models(RequestContext context) {
        return listModels(DefaultRequestContext.adopt(context));
    }

    /** The gateway calling itself: child requests without hooks or cache. */
    public GatewayClient children() {
        return new ChildRequests(this, runner, observers, metrics);
    }

    @Override
    public void close() {
        probes.close();
        Generation g = current.getAndSet(null);
        if (g != null) {
            g.retire();
        }
        background.shutdown();
    }
}
