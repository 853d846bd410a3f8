package io.heimdall.core.internal.resilience;

import java.time.Duration;

/**
 * Passive outlier ejection ({@code routing.outlier-ejection}).
 *
 * @param enabled             {@code enabled}
 * @param consecutiveFailures {@code consecutive-failures}: eject after this many failures in a row (≥ 1)
 * @param ejectFor            {@code eject-for}: how long an ejected target is planned last
 */
public record OutlierSettings(boolean enabled, int consecutiveFailures, Duration ejectFor) {
    /** Off; when enabled: 5 failures in a row eject for 30 s. */
    public static final OutlierSettings DEFAULTS = new OutlierSettings(false, 5, Duration.ofSeconds(30));

    /** Validates the fields. */
    public OutlierSettings {
        Settings.require(consecutiveFailures >= 1,
                "routing.outlier-ejection.consecutive-failures must be >= 1: " + consecutiveFailures);
        Settings.positive(ejectFor, "routing.outlier-ejection.eject-for must be positive");
    }
}
