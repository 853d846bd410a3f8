package io.heimdall.plugin.adaptiverouter;

import io.heimdall.api.plugin.ConfigSpec;
import io.heimdall.api.plugin.ConfigType;
import io.heimdall.api.plugin.PluginConfig;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The adaptive router's settings, validated.
 *
 * @param halfLife      how long until a sample weighs half as much as a new one ({@code half-life})
 * @param latencySignal which duration of an attempt is its latency ({@code latency-signal})
 * @param errorPenalty  how much the error rate divides the score: {@code 1 + penalty × rate} ({@code error-penalty})
 * @param explore       the share of requests ordered by plain weights, in [0, 1] ({@code explore})
 * @param minSamples    attempts a target needs before its own score is used ({@code min-samples})
 */
record RouterSettings(Duration halfLife, LatencySignal latencySignal, double errorPenalty, double explore,
                      int minSamples) {
    private static final Duration MIN_HALF_LIFE = Duration.ofMillis(1);
    private static final Duration MAX_HALF_LIFE = Duration.ofDays(1);

    /** The largest {@code error-penalty} accepted. */
    static final double MAX_ERROR_PENALTY = 1_000_000;

    /** The defaults: half-life 30 s, ttfb, penalty 4, explore 5 %, 5 samples. */
    static final RouterSettings DEFAULTS = new RouterSettings(Duration.ofSeconds(30), LatencySignal.TTFB, 4, 0.05, 5);

    /** Validates the fields; the messages name the config keys. */
    RouterSettings {
        List<String> problems = problems(halfLife, latencySignal == null ? "" : latencySignal.configName(),
                errorPenalty, explore, minSamples);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
    }

    /** The config keys, with their defaults and documentation. */
    static ConfigSpec spec() {
        return ConfigSpec.builder()
                .optional("half-life", ConfigType.DURATION, "30s",
                        "how fast old measurements fade: a sample this old weighs half as much as a new one")
                .optional("latency-signal", ConfigType.STRING, "ttfb",
                        "which latency to learn: ttft (first streamed token, else ttfb), ttfb (response headers, "
                                + "else total) or total (the whole attempt)")
                .optional("error-penalty", ConfigType.NUMBER, "4",
                        "score = weight / (latency × (1 + error-penalty × error rate)); 0 ignores errors")
                .optional("explore", ConfigType.NUMBER, "0.05",
                        "share of requests, in [0, 1], ordered by plain weights so every target keeps being measured")
                .optional("min-samples", ConfigType.INTEGER, "5",
                        "attempts a target needs before its own score is used; until then it gets its group's median")
                .build();
    }

    /**
     * Reads and validates the settings.
     *
     * @throws IllegalArgumentException naming every key with a value out of range
     */
    static RouterSettings from(PluginConfig config) {
        Duration halfLife = config.duration("half-life").orElse(DEFAULTS.halfLife());
        String signalText = config.string("latency-signal").orElse(DEFAULTS.latencySignal().configName());
        double penalty = config.number("error-penalty").orElse(DEFAULTS.errorPenalty());
        double explore = config.number("explore").orElse(DEFAULTS.explore());
        long minSamples = config.integer("min-samples").orElse((long) DEFAULTS.minSamples());
        List<String> problems = problems(halfLife, signalText, penalty, explore, minSamples);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        return new RouterSettings(halfLife, LatencySignal.parse(signalText).orElseThrow(), penalty, explore,
                (int) minSamples);
    }

    private static List<String> problems(Duration halfLife, String signal, double penalty, double explore,
                                         long minSamples) {
        List<String> problems = new ArrayList<>();
        if (halfLife == null || halfLife.compareTo(MIN_HALF_LIFE) < 0 || halfLife.compareTo(MAX_HALF_LIFE) > 0) {
            problems.add("half-life must be between 1ms and 1d, not " + halfLife);
        }
        if (LatencySignal.parse(signal).isEmpty()) {
            problems.add("latency-signal must be one of " + LatencySignal.names() + ", not '" + signal + "'");
        }
        if (!(penalty >= 0 && penalty <= MAX_ERROR_PENALTY)) {
            problems.add("error-penalty must be between 0 and " + (long) MAX_ERROR_PENALTY + ", not " + penalty);
        }
        if (!(explore >= 0 && explore <= 1)) {
            problems.add("explore must be between 0 and 1 (a share of requests), not " + explore);
        }
        if (minSamples < 1 || minSamples > Integer.MAX_VALUE) {
            problems.add("min-samples must be at least 1, not " + minSamples);
        }
        return problems;
    }
}
