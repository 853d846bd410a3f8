package io.heimdall.api.metrics;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One labelled series of a family at the time of a snapshot.
 *
 * @param labels    the label values by label name
 * @param value     the counter or gauge value; for a histogram, its sum
 * @param histogram the buckets of a histogram, empty for counters and gauges
 */
public record MetricSample(Map<String, String> labels, double value, Optional<HistogramData> histogram) {
    /** Validates and copies the fields. */
    public MetricSample {
        labels = Map.copyOf(labels);
        Objects.requireNonNull(histogram, "histogram");
    }
}
