package io.heimdall.api.metrics;

import java.util.List;
import java.util.Objects;

/**
 * All series of one metric at the time of a snapshot.
 *
 * @param name    the full name, {@code heimdall_} prefix included, without type suffixes such as {@code _total}
 * @param help    one line describing it
 * @param type    counter, gauge or histogram
 * @param unit    the unit, for example {@code seconds}, {@code tokens}, or empty
 * @param samples one per label combination
 */
public record MetricFamily(String name, String help, MetricType type, String unit, List<MetricSample> samples) {
    /** Validates and copies the fields. */
    public MetricFamily {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(help, "help");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(unit, "unit");
        samples = List.copyOf(samples);
    }
}
