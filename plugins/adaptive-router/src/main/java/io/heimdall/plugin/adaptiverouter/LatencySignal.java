package io.heimdall.plugin.adaptiverouter;

import io.heimdall.api.route.Attempt;

import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** Which duration of a successful attempt feeds a target's latency average ({@code latency-signal}). */
enum LatencySignal {
    /** Time to the first streamed token; else time to the first byte; else the whole attempt. */
    TTFT,
    /** Time to the upstream's response headers; else the whole attempt. */
    TTFB,
    /** The whole attempt (for a stream, until its last chunk). */
    TOTAL;

    /** The duration this signal takes from an attempt. */
    Duration of(Attempt attempt) {
        return switch (this) {
            case TTFT -> attempt.timeToFirstToken().or(attempt::timeToFirstByte).orElse(attempt.latency());
            case TTFB -> attempt.timeToFirstByte().orElse(attempt.latency());
            case TOTAL -> attempt.latency();
        };
    }

    /** The config name, lower case. */
    String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The signal named {@code text} in config ({@code ttft}, {@code ttfb}, {@code total}), any case. */
    static Optional<LatencySignal> parse(String text) {
        return Arrays.stream(values()).filter(s -> s.configName().equalsIgnoreCase(text.strip())).findFirst();
    }

    /** The accepted names, for messages. */
    static String names() {
        return Arrays.stream(values()).map(LatencySignal::configName).collect(Collectors.joining(", "));
    }
}
