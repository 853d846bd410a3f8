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
import io.heimdall.core.internal.resilience.Backoff;
import io.heimdall.core.internal.resilience.Bulkhead;
import io.heimdall.core.internal.resilience.Deadline;
import io.heimdall.core.internal.resilience.Failure;
import io.heimdall.core.internal.resilience.Permit;
import io.heimdall.core.internal.resilience.TargetHealth;
import io.heimdall.core.internal.resilience.TargetHealthRegistry;

import java.time.Duration;
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
        private boolean headersPassed;

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

        /** Passes the upstream's headers on to the client once (a stream: at its first chunk; else at the end). */
        void passOnHeaders() {
            if (headersPassed) {
                return;
            }
            headersPassed = true;
            scope.passOn().forEach((name, value) -> {
                try {
                    ctx.setResponseHeader(name, value);
                } catch (IllegalStateException committed) {
                    // the response headers are out already (a hook answered the stream before any chunk)
                }
            });
        }
    }

    private final Observers observers;
    private final TargetHealthRegistry health;
    private final CoreMetrics metrics;

    AttemptRunner(Observers observers, TargetHealthRegistry health, CoreMetrics metrics) {
        this.observers = observers;
        this.health = health;
        this.metrics = metrics;
    }

    /**
     * Runs the attempts: the router orders the available targets of {@code model} (then of each fallback); each
     * target is tried, and retried after a backoff on a retryable failure while its retries, the deadline and
     * {@code canFallback} allow; a 429 or refused key moves on to the next target at once. Targets whose key rests or
     * whose breaker is open are skipped, not tried. Each attempt waits for a slot of its provider's bulkhead.
     */
    <T> T run(Generation g, String model, List<String> fallbacks, DefaultRequestContext ctx, Body<T> body,
              BooleanSupplier canFallback) {
        return run(g, model, fallbacks, ctx, Needs.NONE, body, canFallback);
    }

    /** As {@link #run(Generation, String, List, DefaultRequestContext, Body, BooleanSupplier)}, skipping targets
     * whose model lacks a capability in {@code needs} (a 400 when none is left). */
    <T> T run(Generation g, String model, List<String> fallbacks, DefaultRequestContext ctx, Needs needs, Body<T> body,
              BooleanSupplier canFallback) {
        Deadline deadline = Deadline.at(ctx.deadline());
        List<Target> candidates = new ArrayList<>(g.candidates(model));
        int priority = candidates.stream().mapToInt(Target::priority).max().orElse(0);
        for (String fallback : fallbacks) {
            priority++;
            for (Target t : g.candidates(fallback)) {
                candidates.add(new Target(t.provider(), t.model(), t.keyName(), t.weight(), priority + t.priority()));
            }
        }
        candidates = needs.filter(g, candidates);
        List<Target> available = new ArrayList<>(candidates.size());
        Optional<Duration> soonest = Optional.empty();
        boolean allResting = true;
        for (Target t : candidates) {
            Optional<TargetHealth> h = health.target(t.provider(), t.keyName());
            if (h.isEmpty() || h.get().available()) {
                available.add(t);
            } else {
                allResting &= h.get().resting();
                Optional<Duration> in = h.get().availableIn();
                if (in.isPresent() && (soonest.isEmpty() || in.get().compareTo(soonest.get()) < 0)) {
                    soonest = in;
                }
            }
        }
        if (available.isEmpty()) {
            throw unavailable(g, model, soonest, allResting);
        }
        List<Target> plan = lastIfUnhealthy(g.router.plan(model, available, ctx));
        if (plan.isEmpty()) {
            throw new GatewayException(GatewayError.of(503, GatewayError.API_ERROR,
                    "No target is available for model '" + model + "'", "no_target"));
        }
        GatewayException last = null;
        for (Target target : plan) {
            Generation.ProviderSlot slot = g.providers.get(target.provider());
            Optional<TargetHealth> th = health.target(target.provider(), target.keyName());
            Backoff backoff = new Backoff(slot.settings().retries());
            for (int retry = 0; ; retry++) {
                if (deadline.expired()) {
                    throw new GatewayException(deadline.timeoutError("after " + ctx.attempts() + " attempt(s)"));
                }
                if (th.isPresent() && !th.get().tryAcquire()) {
                    break;
                }
                Outcome outcome = attempt(g, slot, target, retry, th, deadline, ctx, body);
                if (outcome.error == null) {
                    @SuppressWarnings("unchecked")
                    T result = (T) outcome.result;
                    return result;
                }
                GatewayException ge = outcome.error;
                if (outcome.fault == Fault.CLIENT_ABORT || outcome.fault == Fault.HOOK || deadline.expired()
                        || ctx.cancelledStatus().isPresent()
                        || !outcome.kind.otherKeyMayHelp() || !canFallback.getAsBoolean()) {
                    throw ge;
                }
                last = ge;
                if (outcome.kind == Failure.RATE_LIMITED || outcome.kind == Failure.KEY_REJECTED
                        || outcome.kind == Failure.OVERLOADED || !backoff.allows(retry + 1)) {
                    break;
                }
                Backoff.Delay delay = backoff.delay(retry + 1, ge.error());
                if (!delay.shouldWait() || !deadline.allows(delay.duration())) {
                    break;
                }
                LOG.log(System.Logger.Level.WARNING, "Request {0}: retrying {1} in {2} ms", ctx.requestId(),
                        target.qualifiedModel(), delay.duration().toMillis());
                metrics.retry(target.provider());
                sleep(delay.duration());
            }
            if (last != null) {
                metrics.fallback(target.provider());
                LOG.log(System.Logger.Level.WARNING, "Request {0}: {1} failed ({2} {3}); trying the next target",
                        ctx.requestId(), target.qualifiedModel(), last.error().status(),
                        last.error().code().orElse(last.error().type()));
            }
        }
        if (last == null) {
            throw unavailable(g, model, soonest, false);
        }
        throw explained(g, model, last);
    }

    /**
     * The router's order with targets that are not fully healthy (ejected as outliers, or half-open) moved after the
     * healthy ones, keeping the order within each part: they are still tried when nothing else is left.
     */
    private List<Target> lastIfUnhealthy(List<Target> plan) {
        List<Target> healthy = new ArrayList<>(plan.size());
        List<Target> rest = new ArrayList<>(0);
        for (Target t : plan) {
            Optional<TargetHealth> h = health.target(t.provider(), t.keyName());
            (h.isEmpty() || h.get().healthy() ? healthy : rest).add(t);
        }
        if (!rest.isEmpty()) {
            healthy.addAll(rest);
        }
        return healthy;
    }

    /** How one attempt ended. */
    private record Outcome(Object result, GatewayException error, Fault fault, Failure kind) {
    }

    private <T> Outcome attempt(Generation g, Generation.ProviderSlot slot, Target target, int retry,
                                Optional<TargetHealth> th, Deadline deadline, DefaultRequestContext ctx,
                                Body<T> body) {
        int number = ctx.nextAttempt();
        ProviderCall call = new ProviderCall(target.provider(), slot.key(target.keyName()), ctx, number);
        UpstreamScope scope = new UpstreamScope(ctx.deadline(), slot.settings().firstByteTimeout(),
                slot.settings().idleTimeout(), System.nanoTime());
        scope.header("x-request-id", ctx.requestId());
        ctx.upstreamHeaders().forEach(scope::header);
        observers.attemptStarted(g, new Start(target, number, ctx, scope));
        // Before the call: a stream commits its response headers, which name the provider, with its first chunk.
        ctx.servedBy(target.qualifiedModel());
        AttemptState state = new AttemptState(scope, ctx);
        boolean reported = false;
        try (Permit permit = bulkhead(target.provider()).acquire(deadline)) {
            T result = ScopedValue.where(UpstreamScope.CURRENT, scope).call(() -> body.run(slot, target, call,
                    state));
            state.passOnHeaders();
            th.ifPresent(h -> h.onSuccess(state.scope.timeToFirstByte().orElse(
                    Duration.ofNanos(System.nanoTime() - state.start)).toNanos()));
            reported = true;
            finish(g, target, number, retry, 200, Optional.empty(), Fault.NONE, state, ctx);
            return new Outcome(result, null, Fault.NONE, null);
        } catch (RuntimeException e) {
            GatewayException ge = e instanceof GatewayException x ? x : unexpected(target, e);
            // A deferred flush that failed (the client left) makes whatever the provider then threw the client's doing.
            boolean flushFailed = state.scope.flushFailed();
            boolean fromSink = flushFailed
                    || state.sinkFailure != null && (e == state.sinkFailure || ge.getCause() == state.sinkFailure);
            Fault fault = fromSink ? (flushFailed || ge.error().status() == 499 ? Fault.CLIENT_ABORT : Fault.HOOK)
                    : classify(ge.error());
            Failure kind;
            Optional<Integer> cancelled = ctx.cancelledStatus();
            if (cancelled.isPresent()) {
                // The watchdog cancelled the request (client gone, or deadline): never the target's fault.
                th.ifPresent(TargetHealth::onNeutral);
                kind = cancelled.get() == 504 ? Failure.DEADLINE : Failure.CLIENT_CLOSED;
                fault = cancelled.get() == 504 ? Fault.TIMEOUT : Fault.CLIENT_ABORT;
            } else if (fromSink || deadline.expired() || ge.error().status() == 499) {
                th.ifPresent(TargetHealth::onNeutral);
                kind = deadline.expired() ? Failure.DEADLINE : Failure.CLIENT_CLOSED;
                if (deadline.expired() && !fromSink) {
                    fault = Fault.TIMEOUT;
                    ge = new GatewayException(deadline.timeoutError("waiting for " + target.qualifiedModel()), ge);
                }
            } else if (isOverload(ge.error())) {
                th.ifPresent(TargetHealth::onNeutral);
                kind = Failure.OVERLOADED;
                fault = Fault.GATEWAY;
            } else {
                GatewayError error = ge.error();
                kind = th.map(h -> h.onFailure(error)).orElseGet(() -> Failure.classify(error));
            }
            reported = true;
            // The upstream's rate-limit headers and request id matter most on its errors (a 429): pass them on too;
            // a later attempt that succeeds replaces them.
            state.passOnHeaders();
            finish(g, target, number, retry, ge.error().status(), Optional.of(ge.error()), fault, state, ctx);
            LOG.log(fault == Fault.CLIENT_ABORT ? System.Logger.Level.DEBUG : System.Logger.Level.WARNING,
                    "Request {0}: attempt {1} on {2} (key {3}) failed: {4} {5}",
                    ctx.requestId(), number, target.qualifiedModel(), target.keyName().isEmpty() ? "-"
                            : target.keyName(), fault == Fault.CLIENT_ABORT ? 499 : ge.error().status(),
                    fault == Fault.CLIENT_ABORT ? "the client left" : ge.error().code().orElse(ge.error().type()));
            return new Outcome(null, ge, fault, kind);
        } finally {
            if (!reported) {
                th.ifPresent(TargetHealth::onNeutral);
            }
        }
    }

    private static boolean isOverload(GatewayError error) {
        return error.code().filter(c -> c.equals(Failure.PROVIDER_OVERLOADED)
                || c.equals(Failure.GATEWAY_OVERLOADED)).isPresent();
    }

    private Bulkhead bulkhead(String provider) {
        return health.bulkhead(provider).orElseGet(() -> new Bulkhead(provider,
                io.heimdall.core.internal.resilience.BulkheadSettings.UNLIMITED));
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GatewayException(GatewayError.of(499, GatewayError.INVALID_REQUEST,
                    "The request was cancelled", "client_closed_request"), e);
        }
    }

    /**
     * When no target may be tried now: 429 if every one rests after a rate limit, else 503; with the soonest time one
     * may be tried again, and why keys are unusable.
     */
    private static GatewayException unavailable(Generation g, String model, Optional<Duration> soonest,
                                                boolean rateLimited) {
        Duration wait = soonest.map(d -> d.isZero() ? Duration.ofSeconds(1) : d).orElse(Duration.ofSeconds(1));
        if (rateLimited) {
            return new GatewayException(GatewayError.of(429, GatewayError.RATE_LIMIT, "Every key serving model '"
                    + model + "' is resting after a rate limit from its provider; retry after "
                    + Math.max(1, (wait.toMillis() + 999) / 1000) + " s", "rate_limit_exceeded").withRetryAfter(wait));
        }
        List<String> keyProblems = g.keyProblems(model);
        String why = "Every target of model '" + model + "' is unavailable (keys resting after rate limits, or "
                + "circuit breakers open after failures)" + (keyProblems.isEmpty() ? "" : "; unusable keys: "
                + String.join("; ", keyProblems));
        GatewayError error = GatewayError.of(503, GatewayError.API_ERROR, why, "no_available_target");
        return new GatewayException(error.withRetryAfter(wait));
    }

    /** The last failure, with the reason other targets could not be used when keys were unusable. */
    private static GatewayException explained(Generation g, String model, GatewayException last) {
        List<String> keyProblems = g.keyProblems(model);
        if (keyProblems.isEmpty()) {
            return last;
        }
        GatewayError e = last.error();
        return new GatewayException(new GatewayError(e.status(), e.type(), e.message() + " (also unusable: "
                + String.join("; ", keyProblems) + ")", e.param(), e.code(), e.retryAfter()), last);
    }

    private void finish(Generation g, Target target, int number, int retry, int status, Optional<GatewayError> error,
                        Fault fault, AttemptState state, DefaultRequestContext ctx) {
        Duration latency = Duration.ofNanos(System.nanoTime() - state.start);
        Attempt attempt = new Attempt(target, number, retry, status, error, fault,
                error.flatMap(GatewayError::retryAfter), latency, state.scope.timeToFirstByte(),
                state.firstChunkNanos < 0 ? Optional.empty() : Optional.of(Duration.ofNanos(state.firstChunkNanos)),
                state.usage, state.scope.serverAddress(), state.scope.serverPort());
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
