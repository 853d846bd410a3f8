package io.heimdall.core.internal.engine;

import io.heimdall.api.GatewayException;
import io.heimdall.api.hook.Hook;
import io.heimdall.api.model.GatewayError;
import io.heimdall.api.model.Usage;
import io.heimdall.api.observe.RequestSummary;
import io.heimdall.api.observe.ResponseInfo;

import java.time.Duration;
import java.util.Optional;

/**
 * The bookkeeping of one client request through the pipeline: which hooks ran, who served it, how it ended. At the
 * end it tells those hooks ({@code onEnd}, in reverse order) and the observers.
 */
final class Run {
    private final Generation g;
    private final Observers observers;
    private final CoreMetrics metrics;
    private final String operation;
    private final String model;
    private final DefaultRequestContext ctx;
    private final long start = System.nanoTime();
    private int hooksRan;
    private int status = 500;
    private Optional<GatewayError> error = Optional.empty();
    private Optional<Usage> usage = Optional.empty();
    private boolean cached;
    private long firstTokenNanos = -1;
    private ResponseInfo response = ResponseInfo.NONE;

    Run(Generation g, Observers observers, CoreMetrics metrics, String operation, String model,
        DefaultRequestContext ctx) {
        this.g = g;
        this.observers = observers;
        this.metrics = metrics;
        this.operation = operation;
        this.model = model;
        this.ctx = ctx;
        observers.requestStarted(g, operation, model, ctx);
    }

    CoreMetrics metrics() {
        return metrics;
    }

    void hookRan(int count) {
        hooksRan = Math.max(hooksRan, count);
    }

    void servedBy(String who) {
        ctx.servedBy(who);
    }

    void cached(String tier) {
        cached = true;
        ctx.servedBy("cache");
        ctx.setResponseHeaderIfAbsent("x-heimdall-cache", tier.equals("exact") ? "hit" : "hit; tier=" + tier);
    }

    void firstToken() {
        if (firstTokenNanos < 0) {
            firstTokenNanos = System.nanoTime() - start;
        }
    }

    void usage(Optional<Usage> value) {
        if (value.isPresent()) {
            usage = value;
        }
    }

    /** Records what the answer said of itself. */
    void answered(ResponseInfo info) {
        response = info;
    }

    void succeeded(Optional<Usage> value) {
        status = 200;
        error = Optional.empty();
        usage(value);
    }

    /** Records a failure and returns the exception to throw (a GatewayException for anything unexpected). */
    RuntimeException failed(RuntimeException e) {
        Optional<Integer> cancelled = ctx.cancelledStatus();
        if (cancelled.isPresent()) {
            status = cancelled.get();
            error = Optional.of(status == 504
                    ? GatewayError.of(504, GatewayError.TIMEOUT, "The request did not complete before its deadline",
                    "request_timeout")
                    : GatewayError.of(499, GatewayError.INVALID_REQUEST, "The client closed the connection",
                    "client_closed_request"));
            return e;
        }
        if (e instanceof GatewayException ge) {
            status = ge.error().status();
            error = Optional.of(ge.error());
            return ge;
        }
        status = 500;
        error = Optional.of(GatewayError.internal("Internal error; see the gateway log for request "
                + ctx.requestId()));
        return e;
    }

    /** Ends the request: hooks that ran learn how it ended, then the observers. */
    void end() {
        RequestSummary summary = new RequestSummary(operation, model.isEmpty() ? Optional.empty() : Optional.of(model),
                status, error, Duration.ofNanos(System.nanoTime() - start), ctx.servedBy(), ctx.attempts(), usage,
                cached, firstTokenNanos < 0 ? Optional.empty() : Optional.of(Duration.ofNanos(firstTokenNanos)),
                ctx.bytesOut(), ctx.bytesIn(), status == 200 ? response : ResponseInfo.NONE);
        for (int i = hooksRan - 1; i >= 0; i--) {
            Generation.Named<Hook> h = g.hooks.get(i);
            try {
                h.role().onEnd(summary, ctx);
            } catch (RuntimeException e) {
                metrics.pluginError(h.id(), "hook");
                Hooks.LOG.log(System.Logger.Level.WARNING, "Hook " + h.id() + " failed in onEnd", e);
            }
        }
        observers.requestFinished(g, summary, ctx);
    }
}
