package io.heimdall.plugin.adaptiverouter;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The body of {@code GET /v1/router/stats}, written by hand (the plugin needs no JSON library):
 *
 * <pre>{@code
 * {"half_life_ms":30000,"latency_signal":"ttfb","error_penalty":4.0,"explore":0.05,"min_samples":5,
 *  "targets":[{"provider":"a","model":"x","key":"a#0","latency_ms":12.5,"error_rate":0.0,"samples":40,
 *              "weight":1.0,"score":80.0}]}
 * }</pre>
 *
 * {@code latency_ms} is null before the first success, {@code error_rate} before the first attempt, {@code weight}
 * and {@code score} before the first scored plan. Key names only, never secrets.
 */
final class StatsJson {
    private StatsJson() {
    }

    static byte[] render(RouterSettings settings, List<TargetStats> targets) {
        StringBuilder sb = new StringBuilder(128 + 160 * targets.size());
        sb.append("{\"half_life_ms\":").append(settings.halfLife().toMillis())
                .append(",\"latency_signal\":");
        string(sb, settings.latencySignal().configName());
        sb.append(",\"error_penalty\":");
        number(sb, settings.errorPenalty());
        sb.append(",\"explore\":");
        number(sb, settings.explore());
        sb.append(",\"min_samples\":").append(settings.minSamples()).append(",\"targets\":[");
        boolean first = true;
        for (TargetStats t : targets) {
            if (!first) {
                sb.append(',');
            }
            first = false;
            TargetStats.State s = t.state();
            sb.append("{\"provider\":");
            string(sb, t.provider());
            sb.append(",\"model\":");
            string(sb, t.model());
            sb.append(",\"key\":");
            string(sb, t.key());
            sb.append(",\"latency_ms\":");
            number(sb, s.latency().isPresent() ? round(s.latency().getAsDouble() * 1000, 1000) : Double.NaN);
            sb.append(",\"error_rate\":");
            number(sb, s.errorRate().isPresent() ? round(s.errorRate().getAsDouble(), 10_000) : Double.NaN);
            sb.append(",\"samples\":").append(s.samples()).append(",\"weight\":");
            number(sb, t.weight());
            sb.append(",\"score\":");
            number(sb, t.score());
            sb.append('}');
        }
        return sb.append("]}").toString().getBytes(StandardCharsets.UTF_8);
    }

    private static double round(double value, double scale) {
        return Math.round(value * scale) / scale;
    }

    /** A JSON number, or null for NaN and infinities. */
    static void number(StringBuilder sb, double value) {
        if (Double.isFinite(value)) {
            sb.append(value);
        } else {
            sb.append("null");
        }
    }

    /** A JSON string with the escapes RFC 8259 requires. */
    static void string(StringBuilder sb, String value) {
        sb.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }
}
