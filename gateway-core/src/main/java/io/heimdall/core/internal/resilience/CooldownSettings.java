package io.heimdall.core.internal.resilience;

import java.time.Duration;

/**
 * How long a key rests after a 429 without {@code retry-after} ({@code routing.key-cooldown}), and whether a key
 * disabled after a 401/403 is ever tried again before a config reload.
 *
 * @param initial         {@code initial}: the rest after the first 429 in a row; it doubles per further 429
 * @param max             {@code max}: the longest rest computed by doubling
 * @param disabledRecheck after how long a disabled key gets one trial call; {@link Duration#ZERO} = never (it stays
 *                        out until a config reload changes the key). Not a config key yet.
 */
public record CooldownSettings(Duration initial, Duration max, Duration disabledRecheck) {
    /** 1 s doubling to 60 s; a disabled key stays out until reload. */
    public static final CooldownSettings DEFAULTS = new CooldownSettings(Duration.ofSeconds(1), Duration.ofSeconds(60));

    /** Validates the fields. */
    public CooldownSettings {
        Settings.positive(initial, "routing.key-cooldown.initial must be positive");
        Settings.require(max != null && max.compareTo(initial) >= 0, "routing.key-cooldown.max must be >= initial");
        Settings.require(disabledRecheck != null && !disabledRecheck.isNegative(),
                "the disabled-key re-check interval must not be negative");
    }

    /** The settings as configured: disabled keys stay out until reload. */
    public CooldownSettings(Duration initial, Duration max) {
        this(initial, max, Duration.ZERO);
    }
}
