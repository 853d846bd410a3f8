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
 * <p>The intended use in the engine's attempts loop, for each planned target ({@code deadline} made once per request
 * with {@code Deadline.at(ctx.deadline())}):
 * <pre>{@code
 * TargetHealth health = registry.target(target.provider(), target.keyId()).orElseThrow();
 * if (!health.tryAcquire()) continue;                     // breaker open, key resting or disabled: skip
 * boolean reported = false;
 * long start = System.nanoTime();
 * try (Permit permit = registry.bulkhead(target.provider()).orElseThrow().acquire(deadline)) {
 *     T result = attempt.run(providerSlot, target, call); // a stream holds the permit until it ends
 *     health.onSuccess(System.nanoTime() - start);
 *     reported = true;
 *     return result;
 * } catch (GatewayException e) {
 *     Failure kind;
 *     if (deadline.expired()) { health.onNeutral(); kind = Failure.DEADLINE; }   // not the target's fault
 *     else kind = health.onFailure(e.error());             // breaker, key cooldown/disable, averages
 *     reported = true;
 *     if (!kind.otherKeyMayHelp()) throw e;               // 4xx, 499, deadline: stop here
 *     Backoff.Delay d = backoff.delay(retry, e.error());  // same target again after d, if d.shouldWait()
 *                                                          // and deadline.allows(d.duration()); else next target
 * } finally {
 *     if (!reported) health.onNeutral();                  // never leave a half-open probe slot taken
 * }
 * }</pre>
 * {@link io.heimdall.core.internal.resilience.TargetHealth#healthy()} is what to put in {@code Target.healthy} when
 * expanding candidates, so the router plans resting, half-open and ejected targets last.
 */
package io.heimdall.core.internal.resilience;
