package io.heimdall.api.metrics;

/** The kind of a metric family. */
public enum MetricType {
    /** A value that only goes up (requests, tokens). */
    COUNTER,
    /** A value that goes up and down (in-flight requests, breaker state). */
    GAUGE,
    /** A distribution in buckets with a sum and a count (latencies, sizes). */
    HISTOGRAM
}
