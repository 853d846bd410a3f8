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

    @Override
    public ChatResponse chat(ChatRequest request, RequestContext parent) {
        DefaultRequestContext ctx = DefaultRequestContext.childOf(parent);
        Generation g = engine.enter();
        Run run = new Run(g, observers, metrics, "chat", request.model(), ctx);
        try {
            ChatResponse r = runner.run(g, request.model(), List.of(), ctx, (slot, target, call, state) -> {
                ChatResponse response = slot.provider().chat(request.withModel(target.model()), call);
                state.usage(response.usage());
                return response;
            }, () -> true);
            run.succeeded(r.usage());
            return r;
        } catch (RuntimeException e) {
            throw run.failed(e);
        } finally {
            run.end();
            g.exit();
        }
    }

    @Override
    public void stream(ChatRequest request, RequestContext parent, ChunkSink sink) {
        DefaultRequestContext ctx = DefaultRequestContext.childOf(parent);
        Generation g = engine.enter();
        Run run = new Run(g, observers, metrics, "chat.stream", request.model(), ctx);
        boolean[] started = {false};
        try {
            runner.run(g, request.model(), List.of(), ctx, (slot, target, call, state) -> {
                slot.provider().stream(request.withModel(target.model()), call, chunk -> {
                    state.chunk();
                    started[0] = true;
                    run.firstToken();
                    try {
                        sink.accept(chunk);
                    } catch (RuntimeException e) {
                        throw state.sinkFailed(e);
                    }
                });
                return Boolean.TRUE;
            }, () -> !started[0]);
            run.succeeded(Optional.empty());
        } catch (RuntimeException e) {
            throw run.failed(e);
        } finally {
            run.end();
            g.exit();
        }
    }

    @Override
    public EmbeddingResponse embed(EmbeddingRequest request, RequestContext parent) {
        DefaultRequestContext ctx = DefaultRequestContext.childOf(parent);
        Generation g = engine.enter();
        Run run = new Run(g, observers, metrics, "embeddings", request.model(), ctx);
        try {
            EmbeddingResponse r = runner.run(g, request.model(), List.of(), ctx, (slot, target, call, state) ->
                    slot.provider().embed(request.withModel(target.model()), call), () -> true);
            run.succeeded(Optional.empty());
            return r;
        } catch (RuntimeException e) {
            throw run.failed(e);
        } finally {
            run.end();
            g.exit();
        }
    }
}
