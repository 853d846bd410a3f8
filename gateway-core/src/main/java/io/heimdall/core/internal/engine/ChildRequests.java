package io.heimdall.core.internal.engine;

import io.heimdall.api.RequestContext;
import io.heimdall.api.model.ChatRequest;
import io.heimdall.api.model.ChatResponse;
import io.heimdall.api.model.EmbeddingRequest;
import io.heimdall.api.model.EmbeddingResponse;
import io.heimdall.api.plugin.GatewayClient;
import io.heimdall.api.provider.ChunkSink;

import java.util.List;
import java.util.Optional;

/**
 * The gateway calling itself for a plugin: each call is a child request of the plugin's current request (its own
 * request id {@code <parent>.<n>}, observed with its parent), routed through the router, retries and fallbacks but
 * without hooks or cache.
 */
final class ChildRequests implements GatewayClient {
    private final Engine engine;
    private final AttemptRunner runner;
    private final Observers observers;
    private final CoreMetrics metrics;

    ChildRequests(Engine engine, AttemptRunner runner, Observers observers, CoreMetrics metrics) {
        this.engine = engine;
        this.runner = runner;
        this.observers = observers;
        this.metrics = metrics;
    }

    /** One child request: its own context and run, inside the current generation. */
    private <T> T child(String operation, String model, RequestContext parent,
                        java.util.function.BiFunction<Generation, DefaultRequestContext, T> work,
                        java.util.function.Function<T, Optional<io.heimdall.api.model.Usage>> usage) {
        DefaultRequestContext ctx = DefaultRequestContext.childOf(parent);
        Generation g = engine.enter();
        Run run = new Run(g, observers, metrics, operation, model, ctx);
        try {
            T result = work.apply(g, ctx);
            run.succeeded(usage.apply(result));
            return result;
        } catch (RuntimeException e) {
            throw run.failed(e);
        } finally {
            run.end();
            g.exit();
        }
    }

    @Override
    public ChatResponse chat(ChatRequest request, RequestContext parent) {
        return child("chat", request.model(), parent, (g, ctx) -> runner.run(g, request.model(), List.of(), ctx,
                Needs.of(request), (slot, target, call, state) -> {
                    ChatResponse response = slot.provider().chat(request.withModel(target.model()), call);
                    state.usage(response.usage());
                    return response;
                }, () -> true), ChatResponse::usage);
    }

    @Override
    public void stream(ChatRequest request, RequestContext parent, ChunkSink sink) {
        boolean[] started = {false};
        child("chat.stream", request.model(), parent, (g, ctx) -> runner.run(g, request.model(), List.of(), ctx,
                Needs.of(request), (slot, target, call, state) -> {
                    slot.provider().stream(request.withModel(target.model()), call, chunk -> {
                        state.chunk();
                        started[0] = true;
                        try {
                            sink.accept(chunk);
                        } catch (RuntimeException e) {
                            throw state.sinkFailed(e);
                        }
                    });
                    return Boolean.TRUE;
                }, () -> !started[0]), r -> Optional.empty());
    }

    @Override
    public EmbeddingResponse embed(EmbeddingRequest request, RequestContext parent) {
        return child("embeddings", request.model(), parent, (g, ctx) -> runner.run(g, request.model(), List.of(),
                ctx, Needs.embeddings(), (slot, target, call, state) -> slot.provider().embed(request.withModel(target.model()), call),
                () -> true), r -> Optional.empty());
    }
}
