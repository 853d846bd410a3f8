package io.heimdall.core.internal.engine;

import io.heimdall.api.GatewayException;
import io.heimdall.api.RequestContext;
import io.heimdall.api.hook.Hook;
import io.heimdall.api.hook.HookOutcome;
import io.heimdall.api.hook.RequestOutcome;
import io.heimdall.api.model.ChatChunk;
import io.heimdall.api.model.ChatRequest;
import io.heimdall.api.model.ChatResponse;
import io.heimdall.api.model.EmbeddingRequest;
import io.heimdall.api.model.ModelInfo;
import io.heimdall.api.observe.RequestSummary;
import io.heimdall.core.internal.metrics.MetricsRegistry;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The hook of a {@code plugins:} entry with {@code fail-open: true}: an exception it throws (other than a deliberate
 * {@link GatewayException}) is logged and counted as a plugin error, and the request goes on as if the hook had let
 * the value through unchanged. Without the option a throwing hook fails the request (see {@link Hooks}).
 */
final class FailOpenHook implements Hook {
    private final String id;
    private final Hook delegate;
    private final MetricsRegistry metrics;

    FailOpenHook(String id, Hook delegate, MetricsRegistry metrics) {
        this.id = id;
        this.delegate = delegate;
        this.metrics = metrics;
    }

    /** The guarded hook. */
    Hook delegate() {
        return delegate;
    }

    private <T> T guard(String method, RequestContext ctx, Supplier<T> call, Supplier<T> unchanged) {
        try {
            T outcome = call.get();
            return outcome == null ? failed(method, ctx, unchanged, null) : outcome;
        } catch (GatewayException e) {
            throw e;
        } catch (RuntimeException e) {
            return failed(method, ctx, unchanged, e);
        }
    }

    private <T> T failed(String method, RequestContext ctx, Supplier<T> unchanged, RuntimeException e) {
        metrics.count("plugin_errors", Map.of("plugin", id, "role", "hook"), 1);
        Hooks.LOG.log(System.Logger.Level.WARNING, "Hook " + id + " failed in " + method + " of request "
                + ctx.requestId() + "; fail-open: going on unchanged", e);
        return unchanged.get();
    }

    @Override
    public RequestOutcome onRequest(ChatRequest request, RequestContext context) {
        return guard("onRequest", context, () -> delegate.onRequest(request, context),
                () -> RequestOutcome.proceed(request));
    }

    @Override
    public HookOutcome<EmbeddingRequest> onEmbeddings(EmbeddingRequest request, RequestContext context) {
        return guard("onEmbeddings", context, () -> delegate.onEmbeddings(request, context),
                () -> HookOutcome.proceed(request));
    }

    @Override
    public List<ModelInfo> onModels(List<ModelInfo> models, RequestContext context) {
        return guard("onModels", context, () -> delegate.onModels(models, context), () -> models);
    }

    @Override
    public HookOutcome<ChatResponse> onResponse(ChatRequest request, ChatResponse response, RequestContext context) {
        return guard("onResponse", context, () -> delegate.onResponse(request, response, context),
                () -> HookOutcome.proceed(response));
    }

    @Override
    public HookOutcome<ChatChunk> onChunk(ChatChunk chunk, RequestContext context) {
        return guard("onChunk", context, () -> delegate.onChunk(chunk, context), () -> HookOutcome.proceed(chunk));
    }

    @Override
    public void onEnd(RequestSummary summary, RequestContext context) {
        delegate.onEnd(summary, context);
    }
}
