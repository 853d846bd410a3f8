package io.heimdall.core.internal.resilience;

import java.util.Objects;

/**
 * Every resilience setting that applies to one provider's targets: what {@link TargetHealthRegistry#reconcile}
 * takes per provider name. Today these come from the global {@code routing.*} section; a provider may override them
 * later without changing this package.
 *
 * @param retries     {@code routing.retries}, read by the caller through {@link Backoff}
 * @param breaker     {@code routing.circuit-breaker}
 * @param bulkhead    {@code routing.bulkhead}
 * @param keyCooldown {@code routing.key-cooldown}
 * @param outlier     {@code routing.outlier-ejection}
 */
public record ResilienceSettings(RetrySettings retries, BreakerSettings breaker, BulkheadSettings bulkhead,
                                 CooldownSettings keyCooldown, OutlierSettings outlier) {
    /** Every component's defaults. */
    public static final ResilienceSettings DEFAULTS = new ResilienceSettings(RetrySettings.DEFAULTS,
            BreakerSettings.DEFAULTS, BulkheadSettings.UNLIMITED, CooldownSettings.DEFAULTS, OutlierSettings.DEFAULTS);

    /** Checks that no field is null. */
    public ResilienceSettings {
        Objects.requireNonNull(retries, "retries");
        Objects.requireNonNull(breaker, "breaker");
        Objects.requireNonNull(bulkhead, "bulkhead");
        Objects.requireNonNull(keyCooldown, "keyCooldown");
        Objects.requireNonNull(outlier, "outlier");
    }
}
