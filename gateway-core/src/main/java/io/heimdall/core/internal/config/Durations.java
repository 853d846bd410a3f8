package io.heimdall.core.internal.config;

import io.heimdall.api.plugin.ConfigValues;

import java.time.Duration;
import java.util.Optional;

/** Parses config durations with the grammar of the API's {@link ConfigValues}, so core and plugins agree. */
public final class Durations {
    private Durations() {
    }

    /** The duration, or empty if the text is not one. */
    public static Optional<Duration> parse(String text) {
        return ConfigValues.duration(text);
    }

    /** A duration as config text in the largest unit that divides it: {@code 250ms}, {@code 30s}, {@code 5m}. */
    public static String format(Duration d) {
        return ConfigValues.format(d);
    }
}
