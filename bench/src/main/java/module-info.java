/**
 * Heimdall's load benchmarks: {@link io.heimdall.bench.LoadGenerator}, an open-model HTTP load generator that
 * measures latency from each request's intended send time (no coordinated omission). Driven by {@code bench/run.sh};
 * not part of the distribution.
 */
module io.heimdall.bench {
    requires HdrHistogram; // org.hdrhistogram:HdrHistogram has no module name of its own: named after its jar file

    requires jdk.management; // the generator reports its own CPU use

    exports io.heimdall.bench;
}
