/**
 * Resilience building blocks of the request path, independent of the engine and of config parsing: retry
 * {@link io.heimdall.core.internal.resilience.Backoff}, per-target
 * {@link io.heimdall.core.internal.resilience.CircuitBreaker}, per-key
 * {@link io.heimdall.core.internal.resilience.KeyHealth}, passive
 * {@link io.heimdall.core.internal.resilience.OutlierDetector outlier ejection}, per-provider
 * {@link io.heimdall.core.internal.resilience.Bulkhead} and the gateway-wide
 * {@link io.heimdall.core.internal.resilience.InFlightLimit}, the request
 * {@link io.heimdall.core.internal.resilience.Deadline}, error
 * {@link io.heimdall.core.internal.resilience.Failure classification}, and the
 * {@link io.heimdall.core.internal.resilience.TargetHealthRegistry} that keeps per-target state across config
 * reloads.
 *
 * <p>Everything is thread-safe for many virtual threads: atomics and compare-and-set on the request path, a fair
 * {@link java.util.concurrent.Semaphore} for waiting, {@link java.util.concurrent.locks.ReentrantLock} only on the
 * reload path, never a monitor. Time comes from a {@code LongSupplier} of nanoseconds ({@code System::nanoTime} in
 * production) so tests move time by hand. Settings are records mirroring the {@code routing.*} config keys.
 *
 * <p>The intended use in the attempts loop, for each planned target:
 * <pre>{@code
 * TargetHealth health = registry.target(provider, keyId).orElseThrow();
 * if (!health.tryAcquire()) continue;                       // open breaker or resting key: skip
 * try (Permit slot = registry.bulkhead(provider).orElseThrow().acquire(deadline)) {
 *     result = call(...);
 *     health.onSuccess(latencyNanos);
 * } catch (GatewayException e) {
 *     Failure kind = deadline.expired() ? Failure.DEADLINE : health.onFailure(e.error());
 *     if (kind == Failure.DEADLINE) health.onNeutral();
 *     if (!kind.otherKeyMayHelp()) throw e;                 // 4xx, 499, deadline: stop
 *     Backoff.Delay d = backoff.delay(retry, e.error());    // retry the same target, or move on
 * }                                                         // (and a finally that reports onNeutral otherwise)
 * }</pre>
 */
package io.heimdall.core.internal.resilience;
