package io.heimdall.core.internal.engine;

import io.heimdall.api.GatewayException;
import io.heimdall.api.RequestContext;
import io.heimdall.api.cache.CachedAnswer;
import io.heimdall.api.cache.ResponseCache;
import io.heimdall.api.hook.HookOutcome;
import io.heimdall.api.model.ChatChunk;
import io.heimdall.api.model.ChatRequest;
import io.heimdall.api.model.ChatResponse;
import io.heimdall.api.model.EmbeddingRequest;
import io.heimdall.api.model.EmbeddingResponse;
import io.heimdall.api.model.GatewayError;
import io.heimdall.api.model.ModelInfo;
import io.heimdall.api.model.StreamOptions;
import io.heimdall.api.model.Usage;
import io.heimdall.api.observe.Observer;
import io.heimdall.api.plugin.GatewayClient;
import io.heimdall.api.provider.ChunkSink;
import io.heimdall.api.provider.ProviderCall;
import io.heimdall.api.route.Target;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The request pipeline over the current {@link Generation}: pre-hooks in order, cache lookup, the router's plan,
 * attempts with fallback on retryable errors (for streams only before the first chunk reached the client), post-hooks
 * in reverse order, cache store off the response path. Transport-agnostic: the HTTP layer decodes and encodes.
 */
public final class Engine implements GatewayClient, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Engine.class.getName());

    private final AtomicReference<Generation> current = new AtomicReference<>();
    private final ExecutorService background = Executors.newVirtualThreadPerTaskExecutor();

    /** An engine with no generation yet; {@link #install} one before serving. */
    public Engine() {
    }

    /** Installs a generation; the previous one is retired and closes when its last request ends. */
    public void install(Generation next) {
        Generation previous = current.getAndSet(next);
        if (previous != null) {
            previous.retire();
        }
    }

    /** The generation in force, if any. */
    public Optional<Generation> current() {
        return Optional.ofNullable(current.get());
    }

    private Generation enter() {
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

    // ------------------------------------------------------------------ chat

    /** A sink for a streamed response, told when the stream opens so the transport can commit its headers. */
    public interface StreamSink {
        /** Sends one chunk to the client. Throws GatewayException 499 if the client has gone. */
        void chunk(ChatChunk chunk);
    }

    /** Serves a non-streamed chat request through the whole pipeline. */
    public ChatResponse serveChat(ChatRequest request, DefaultRequestContext ctx) {
        Generation g = enter();
        long start = System.nanoTime();
        int status = 500;
        Optional<Usage> usage = Optional.empty();
        boolean cached = false;
        notifyStart(g, "chat", request.model(), ctx);
        try {
            Pre pre = preHooks(g, request, ctx);
            ChatResponse response;
            if (pre.answer != null) {
                response = pre.answer;
                ctx.servedBy("hook");
            } else {
                Optional<CachedAnswer> hit = lookup(g, pre.request, ctx);
                if (hit.isPresent()) {
                    response = hit.get().response();
                    cached = true;
                    ctx.servedBy("cache");
                    ctx.addResponseHeader("x-heimdall-cache", "hit");
                } else {
                    ChatRequest routed = pre.request;
                    response = attempts(g, routed.model(), ctx, (slot, target, call) ->
                            slot.provider().chat(routed.withModel(target.model()), call), null);
                    store(g, routed, new CachedAnswer(response, List.of()), ctx);
                }
            }
            response = postHooks(g, pre.ran, pre.request, response, ctx);
            status = 200;
            usage = response.usage();
            return response;
        } catch (GatewayException e) {
            status = e.error().status();
            throw e;
        } finally {
            notifyFinish(g, status, System.nanoTime() - start, usage, cached, ctx);
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
        long start = System.nanoTime();
        int status = 500;
        StreamAccumulator acc = new StreamAccumulator(g.cache.isPresent());
        boolean cached = false;
        notifyStart(g, "chat.stream", request.model(), ctx);
        try {
            Pre pre = preHooks(g, request, ctx);
            boolean clientWantsUsage = pre.request.includeUsage();
            if (pre.answer != null) {
                ctx.servedBy("hook");
                for (ChatChunk c : ChunkReplay.chunks(pre.answer)) {
                    deliver(g, c, clientWantsUsage, acc, sink, ctx);
                }
            } else {
                Optional<CachedAnswer> hit = lookup(g, pre.request, ctx);
                if (hit.isPresent()) {
                    cached = true;
                    ctx.servedBy("cache");
                    ctx.addResponseHeader("x-heimdall-cache", "hit");
                    List<ChatChunk> chunks = hit.get().chunks().isEmpty()
                            ? ChunkReplay.chunks(hit.get().response()) : hit.get().chunks();
                    for (ChatChunk c : chunks) {
                        deliver(g, c, clientWantsUsage, acc, sink, ctx);
                    }
                } else {
                    // Always ask the upstream for usage (for metrics and logs); drop the usage chunk if the client
                    // did not ask for it.
                    ChatRequest upstream = pre.request.toBuilder().stream(true).streamOptions(new StreamOptions(true,
                            pre.request.streamOptions().map(StreamOptions::extra).orElse(Map.of()))).build();
                    attempts(g, upstream.model(), ctx, (slot, target, call) -> {
                        slot.provider().stream(upstream.withModel(target.model()), call,
                                chunk -> deliver(g, chunk, clientWantsUsage, acc, sink, ctx));
                        return Boolean.TRUE;
                    }, () -> acc.size() == 0);
                    if (acc.size() > 0) {
                        store(g, pre.request, new CachedAnswer(acc.response(), acc.chunks()), ctx);
                    }
                }
            }
            observePostHooks(g, pre, acc.response(), ctx);
            status = 200;
        } catch (GatewayException e) {
            status = e.error().status();
            throw e;
        } finally {
            notifyFinish(g, status, System.nanoTime() - start, acc.usage(), cached, ctx);
            g.exit();
        }
    }

    private void deliver(Generation g, ChatChunk chunk, boolean clientWantsUsage, StreamAccumulator acc,
                         StreamSink sink, RequestContext ctx) {
        ChatChunk c = chunk;
        for (Generation.NamedHook h : g.hooks) {
            HookOutcome<ChatChunk> outcome = h.hook().onChunk(c, ctx);
            switch (outcome) {
                case HookOutcome.Proceed<ChatChunk> p -> c = p.value();
                case HookOutcome.Reject<ChatChunk> r -> throw new GatewayException(r.error());
                case HookOutcome.Answer<ChatChunk> a -> throw new GatewayException(GatewayError.internal(
                        "Hook '" + h.id() + "' answered a stream chunk, which hooks cannot do"));
            }
        }
        acc.add(c);
        if (c.choices().isEmpty() && c.usage().isPresent() && !clientWantsUsage) {
            return;
        }
        sink.chunk(c);
    }

    private record Pre(ChatRequest request, ChatResponse answer, int ran) {
    }

    private Pre preHooks(Generation g, ChatRequest request, RequestContext ctx) {
        ChatRequest r = request;
        for (int i = 0; i < g.hooks.size(); i++) {
            Generation.NamedHook h = g.hooks.get(i);
            ChatRequest current = r;
            HookOutcome<ChatRequest> outcome = runHook(h, () -> h.hook().onRequest(current, ctx));
            switch (outcome) {
                case HookOutcome.Proceed<ChatRequest> p -> r = p.value();
                case HookOutcome.Answer<ChatRequest> a -> {
                    return new Pre(r, a.response(), i + 1);
                }
                case HookOutcome.Reject<ChatRequest> rej -> throw new GatewayException(rej.error());
            }
        }
        return new Pre(r, null, g.hooks.size());
    }

    private ChatResponse postHooks(Generation g, int ran, ChatRequest request, ChatResponse response,
                                   RequestContext ctx) {
        ChatResponse r = response;
        for (int i = ran - 1; i >= 0; i--) {
            Generation.NamedHook h = g.hooks.get(i);
            ChatResponse current = r;
            HookOutcome<ChatResponse> outcome = runHook(h, () -> h.hook().onResponse(request, current, ctx));
            switch (outcome) {
                case HookOutcome.Proceed<ChatResponse> p -> r = p.value();
                case HookOutcome.Answer<ChatResponse> a -> r = a.response();
                case HookOutcome.Reject<ChatResponse> rej -> throw new GatewayException(rej.error());
            }
        }
        return r;
    }

    private void observePostHooks(Generation g, Pre pre, ChatResponse response, RequestContext ctx) {
        for (int i = pre.ran - 1; i >= 0; i--) {
            Generation.NamedHook h = g.hooks.get(i);
            try {
                HookOutcome<ChatResponse> outcome = h.hook().onResponse(pre.request, response, ctx);
                if (outcome instanceof HookOutcome.Reject<ChatResponse> rej) {
                    LOG.log(System.Logger.Level.WARNING, "Hook {0} rejected streamed response of request {1} after "
                            + "it was sent: {2}", h.id(), ctx.requestId(), rej.error().message());
                }
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "Hook " + h.id() + " failed on a streamed response", e);
            }
        }
    }

    private static <T> HookOutcome<T> runHook(Generation.NamedHook h, java.util.function.Supplier<HookOutcome<T>> f) {
        try {
            HookOutcome<T> outcome = f.get();
            if (outcome == null) {
                throw new GatewayException(GatewayError.internal("Hook '" + h.id() + "' returned no outcome"));
            }
            return outcome;
        } catch (GatewayException e) {
            throw e;
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "Hook " + h.id() + " failed", e);
            throw new GatewayException(GatewayError.internal("Hook '" + h.id() + "' failed"), e);
        }
    }

    private Optional<CachedAnswer> lookup(Generation g, ChatRequest request, RequestContext ctx) {
        if (g.cache.isEmpty()) {
            return Optional.empty();
        }
        try {
            return g.cache.get().lookup(request, ctx);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "Cache lookup failed; answering from the provider", e);
            return Optional.empty();
        }
    }

    private void store(Generation g, ChatRequest request, CachedAnswer answer, RequestContext ctx) {
        if (g.cache.isEmpty()) {
            return;
        }
        ResponseCache cache = g.cache.get();
        if (!g.enter()) {
            return;
        }
        try {
            background.submit(() -> {
                try {
                    cache.store(request, answer, ctx);
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "Cache store failed", e);
                } finally {
                    g.exit();
                }
            });
        } catch (RuntimeException e) {
            g.exit();
        }
    }

    // ------------------------------------------------------------------ attempts

    @FunctionalInterface
    private interface Attempt<T> {
        T run(Generation.ProviderSlot slot, Target target, ProviderCall call);
    }

    private <T> T attempts(Generation g, String model, RequestContext ctx, Attempt<T> attempt,
                           java.util.function.BooleanSupplier canFallback) {
        List<Target> plan = g.router.plan(model, g.candidates(model), ctx);
        if (plan.isEmpty()) {
            throw new GatewayException(GatewayError.of(503, GatewayError.API_ERROR,
                    "No target is available for model '" + model + "'", "no_target"));
        }
        GatewayException last = null;
        int n = 0;
        for (Target target : plan) {
            n++;
            if (Instant.now().isAfter(ctx.deadline())) {
                throw new GatewayException(GatewayError.of(504, GatewayError.TIMEOUT,
                        "The request timed out after " + (n - 1) + " attempt(s)", "request_timeout"));
            }
            Generation.ProviderSlot slot = g.providers.get(target.provider());
            ProviderCall call = new ProviderCall(target.provider(), slot.secret(target.keyId()), ctx, n);
            // Before the call: a stream commits its response headers, which name the provider, with its first chunk.
            if (ctx instanceof DefaultRequestContext d) {
                d.servedBy(target.qualifiedModel());
            }
            long start = System.nanoTime();
            try {
                T result = attempt.run(slot, target, call);
                long nanos = System.nanoTime() - start;
                g.router.record(target, true, nanos);
                notifyAttempt(g, target, n, nanos, Optional.empty(), ctx);
                return result;
            } catch (RuntimeException e) {
                GatewayException ge = e instanceof GatewayException x ? x : unexpected(target, e);
                long nanos = System.nanoTime() - start;
                g.router.record(target, false, nanos);
                notifyAttempt(g, target, n, nanos, Optional.of(ge.error()), ctx);
                if (ge.error().status() == 499 || !ge.error().retryable()
                        || (canFallback != null && !canFallback.getAsBoolean())) {
                    throw ge;
                }
                LOG.log(System.Logger.Level.DEBUG, "Request {0}: attempt {1} on {2} failed ({3}), trying the next "
                        + "target", ctx.requestId(), n, target.qualifiedModel(), ge.error().status());
                last = ge;
            }
        }
        throw last;
    }

    private static GatewayException unexpected(Target target, RuntimeException e) {
        LOG.log(System.Logger.Level.ERROR, "Provider " + target.provider() + " failed unexpectedly", e);
        return new GatewayException(GatewayError.of(500, GatewayError.API_ERROR,
                "Provider '" + target.provider() + "' failed unexpectedly", "provider_error"), e);
    }

    // ------------------------------------------------------------------ embeddings and models

    /** Serves an embeddings request. */
    public EmbeddingResponse serveEmbeddings(EmbeddingRequest request, DefaultRequestContext ctx) {
        Generation g = enter();
        long start = System.nanoTime();
        int status = 500;
        notifyStart(g, "embeddings", request.model(), ctx);
        try {
            EmbeddingResponse r = attempts(g, request.model(), ctx, (slot, target, call) ->
                    slot.provider().embed(request.withModel(target.model()), call), null);
            status = 200;
            return r;
        } catch (GatewayException e) {
            status = e.error().status();
            throw e;
        } finally {
            notifyFinish(g, status, System.nanoTime() - start, Optional.empty(), false, ctx);
            g.exit();
        }
    }

    /**
     * The models clients can ask for: every alias, then each provider's models as {@code provider/model}, asked of all
     * providers at once and bounded by the deadline; a provider that fails to list is skipped (and logged).
     */
    public List<ModelInfo> listModels(DefaultRequestContext ctx) {
        Generation g = enter();
        try {
            List<ModelInfo> out = new ArrayList<>();
            long now = System.currentTimeMillis() / 1000;
            for (String alias : g.config.models().keySet()) {
                out.add(new ModelInfo(alias, now, "heimdall"));
            }
            Map<String, Future<List<ModelInfo>>> futures = new LinkedHashMap<>();
            for (Generation.ProviderSlot slot : g.providers.values()) {
                Optional<io.heimdall.api.plugin.Secret> key = slot.keys().stream()
                        .filter(k -> k.problem().isEmpty()).findFirst().map(Generation.KeySlot::secret);
                ProviderCall call = new ProviderCall(slot.name(), key, ctx, 1);
                futures.put(slot.name(), background.submit(() -> slot.provider().listModels(call)));
            }
            for (Map.Entry<String, Future<List<ModelInfo>>> f : futures.entrySet()) {
                try {
                    long wait = Math.max(1, java.time.Duration.between(Instant.now(),
                            ctx.deadline()).toMillis());
                    for (ModelInfo m : f.getValue().get(Math.min(wait, 10_000), TimeUnit.MILLISECONDS)) {
                        out.add(new ModelInfo(f.getKey() + "/" + m.id(), m.created(), m.ownedBy()));
                    }
                } catch (Exception e) {
                    f.getValue().cancel(true);
                    LOG.log(System.Logger.Level.INFO, "Provider {0} could not list its models: {1}", f.getKey(),
                            e instanceof java.util.concurrent.ExecutionException ee && ee.getCause() != null
                                    ? ee.getCause().getMessage() : e.toString());
                }
            }
            out.sort(Comparator.comparing((ModelInfo m) -> !m.ownedBy().equals("heimdall")));
            return out;
        } finally {
            g.exit();
        }
    }

    // ------------------------------------------------------------------ GatewayClient (plugins calling back)

    @Override
    public ChatResponse chat(ChatRequest request, RequestContext context) {
        Generation g = enter();
        try {
            return attempts(g, request.model(), context, (slot, target, call) ->
                    slot.provider().chat(request.withModel(target.model()), call), null);
        } finally {
            g.exit();
        }
    }

    @Override
    public void stream(ChatRequest request, RequestContext context, ChunkSink sink) {
        Generation g = enter();
        try {
            boolean[] started = {false};
            attempts(g, request.model(), context, (slot, target, call) -> {
                slot.provider().stream(request.withModel(target.model()), call, chunk -> {
                    started[0] = true;
                    sink.accept(chunk);
                });
                return Boolean.TRUE;
            }, () -> !started[0]);
        } finally {
            g.exit();
        }
    }

    @Override
    public EmbeddingResponse embed(EmbeddingRequest request, RequestContext context) {
        Generation g = enter();
        try {
            return attempts(g, request.model(), context, (slot, target, call) ->
                    slot.provider().embed(request.withModel(target.model()), call), null);
        } finally {
            g.exit();
        }
    }

    // ------------------------------------------------------------------ observers

    private static void notifyStart(Generation g, String operation, String model, RequestContext ctx) {
        for (Observer o : g.observers) {
            try {
                o.requestStarted(operation, model, ctx);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "Observer failed", e);
            }
        }
    }

    private static void notifyAttempt(Generation g, Target target, int attempt, long nanos,
                                      Optional<GatewayError> error, RequestContext ctx) {
        for (Observer o : g.observers) {
            try {
                o.attemptFinished(target, attempt, nanos, error, ctx);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "Observer failed", e);
            }
        }
    }

    private static void notifyFinish(Generation g, int status, long nanos, Optional<Usage> usage, boolean cached,
                                     RequestContext ctx) {
        for (Observer o : g.observers) {
            try {
                o.requestFinished(status, nanos, usage, cached, ctx);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "Observer failed", e);
            }
        }
    }

    @Override
    public void close() {
        Generation g = current.getAndSet(null);
        if (g != null) {
            g.retire();
        }
        background.shutdown();
    }
}
