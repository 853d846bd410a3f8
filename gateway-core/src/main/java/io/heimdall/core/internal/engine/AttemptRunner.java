package io.heimdall.core.internal.engine;

import io.heimdall.api.GatewayException;
import io.heimdall.api.RequestContext;
import io.heimdall.api.model.GatewayError;
import io.heimdall.api.model.Usage;
import io.heimdall.api.observe.AttemptStart;
import io.heimdall.api.provider.ProviderCall;
import io.heimdall.api.route.Attempt;
import io.heimdall.api.route.Fault;
import io.heimdall.api.route.Target;
import io.heimdall.core.internal.http.UpstreamScope;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * Runs the upstream attempts of one request: asks the router for the order of the available targets, tries each
 * (with the attempt's upstream scope bound, so the lent HTTP client applies headers and the deadline), records how each
 * attempt ended for the router and the observers, and moves on after a retryable failure while the request may still
 * fall back (a stream only until its first chunk).
 */
final class AttemptRunner {
    private static final System.Logger LOG = System.getLogger(AttemptRunner.class.getName());

    /** One attempt's work. */
    @FunctionalInterface
    interface Body<T> {
        T run(Generation.ProviderSlot slot, Target target, ProviderCall call, AttemptState state);
    }

    /** What the body reports while it runs: the first chunk, usage, and a failure raised by the client side. */
    static final class AttemptState {
        private final long start = System.nanoTime();
        private final UpstreamScope scope;
        private final DefaultRequestContext ctx;
        private long firstChunkNanos = -1;
        private Optional<Usage> usage = Optional.empty();
        private RuntimeException sinkFailure;

        AttemptState(UpstreamScope scope, DefaultRequestContext ctx) {
            this.scope = scope;
            this.ctx = ctx;
        }

        /** A chunk of this attempt is about to be delivered; on the first, pass on the upstream's headers. */
        void chunk() {
            if (firstChunkNanos < 0) {
                firstChunkNanos = System.nanoTime() - start;
                passOnHeaders();
            }
        }

        void usage(Optional<Usage> value) {
            usage = value;
        }

        /** Marks an exception as raised by the client side (client gone, a hook rejecting a chunk). */
        RuntimeException sinkFailed(RuntimeException e) {
            sinkFailure = e;
            return e;
        }

        void passOnHeaders() {
            scope.passOn().forEach((name, value) -> {
                try {
                    ctx.setResponseHeader(name, value);
                } catch (IllegalStateException committed) {
                    // a stream's headers are out already
                }
            });
        }
    }

    private final Observers observers;

    AttemptRunner(Observers observers) {
        this.observers = observers;
    }

    <T> T run(Generation g, String model, List<String> fallbacks, DefaultRequestContext ctx, Body<T> body,
              BooleanSupplier canFallback) {
        List<Target> candidates = new ArrayList<>(g.candidates(model));
        int priority = candidates.stream().mapToInt(Target::priority).max().orElse(0);
        for (String fallback : fallbacks) {
            priority++;
            for (Target t : g.candidates(fallback)) {
                candidates.add(new Target(t.provider(), t.model(), t.keyName(), t.weight(), priority + t.priority()));
            }
        }
        List<Target> plan = g.router.plan(model, candidates, ctx);
        if (plan.isEmpty()) {
            throw new GatewayException(GatewayError.of(503, GatewayError.API_ERROR,
                    "No target is available for model '" + model + "'", "no_target"));
        }
        GatewayException last = null;
        for (Target target : plan) {
            if (!Instant.now().isBefore(ctx.deadline())) {
                throw new GatewayException(GatewayError.of(504, GatewayError.TIMEOUT, "The request timed out after "
                        + ctx.attempts() + " attempt(s)", "request_timeout"));
            }
            Generation.ProviderSlot slot = g.providers.get(target.provider());
            int number = ctx.nextAttempt();
            ProviderCall call = new ProviderCall(target.provider(), slot.key(target.keyName()), ctx, number);
            UpstreamScope scope = new UpstreamScope(ctx.deadline(), Duration.ofMinutes(10), System.nanoTime());
            scope.header("x-request-id", ctx.requestId());
            ctx.upstreamHeaders().forEach(scope::header);
            observers.attemptStarted(g, new Start(target, number, ctx, scope));
            // Before the call: a stream commits its response headers, which name the provider, with its first chunk.
            ctx.servedBy(target.qualifiedModel());
            AttemptState state = new AttemptState(scope, ctx);
            try {
                T result = ScopedValue.where(UpstreamScope.CURRENT, scope).call(() -> body.run(slot, target, call,
                        state));
                state.passOnHeaders();
                finish(g, target, number, 0, 200, Optional.empty(), Fault.NONE, state, ctx);
                return result;
            } catch (RuntimeException e) {
                GatewayException ge = e instanceof GatewayException x ? x : unexpected(target, e);
                Fault fault = e == state.sinkFailure || ge.getCause() == state.sinkFailure && state.sinkFailure != null
                        ? (ge.error().status() == 499 ? Fault.CLIENT_ABORT : Fault.HOOK) : classify(ge.error());
                finish(g, target, number, 0, ge.error().status(), Optional.of(ge.error()), fault, state, ctx);
                if (fault == Fault.CLIENT_ABORT || fault == Fault.HOOK || !ge.error().retryable()
                        || !canFallback.getAsBoolean()) {
                    throw ge;
                }
                LOG.log(System.Logger.Level.WARNING, "Request {0}: attempt {1} on {2} failed: {3} {4}; trying the "
                        + "next target", ctx.requestId(), number, target.qualifiedModel(), ge.error().status(),
                        ge.error().code().orElse(ge.error().type()));
                last = ge;
            }
        }
        throw last;
    }

    private void finish(Generation g, Target target, int number, int retry, int status, Optional<GatewayError> error,
                        Fault fault, AttemptState state, DefaultRequestContext ctx) {
        Duration latency = Duration.ofNanos(System.nanoTime() - state.start);
        Attempt attempt = new Attempt(target, number, retry, status, error, fault,
                error.flatMap(GatewayError::retryAfter), latency, state.scope.timeToFirstByte(),
                state.firstChunkNanos < 0 ? Optional.empty() : Optional.of(Duration.ofNanos(state.firstChunkNanos)),
                state.usage);
        try {
            g.router.record(attempt);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "Router failed to record an attempt", e);
        }
        observers.attemptFinished(g, attempt, ctx);
    }

    /** Whose fault an upstream error is. */
    static Fault classify(GatewayError error) {
        int s = error.status();
        if (s == 499) {
            return Fault.CLIENT_ABORT;
        }
        if (s == 408 || s == 504 || GatewayError.TIMEOUT.equals(error.type())) {
            return Fault.TIMEOUT;
        }
        if (s == 400 || s == 404 || s == 409 || s == 413 || s == 415 || s == 422) {
            return Fault.BAD_REQUEST;
        }
        return Fault.PROVIDER;
    }

    private static GatewayException unexpected(Target target, RuntimeException e) {
        LOG.log(System.Logger.Level.ERROR, "Provider " + target.provider() + " failed unexpectedly", e);
        return new GatewayException(GatewayError.of(500, GatewayError.API_ERROR,
                "Provider '" + target.provider() + "' failed unexpectedly", "provider_error"), e);
    }

    /** The attempt-start view observers get. */
    private record Start(Target target, int number, RequestContext context, UpstreamScope scope)
            implements AttemptStart {
        @Override
        public void setUpstreamHeader(String name, String value) {
            scope.header(name, value);
        }
    }
}
