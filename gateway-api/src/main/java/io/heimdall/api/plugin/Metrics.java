package io.heimdall.api.plugin;

import java.util.Map;

/**
 * Where a plugin records its own metrics. Names are lower_snake_case and are prefixed with {@code heimdall_} by the
 * core; label values must not contain secrets. Cheap enough for the request path.
 */
public interface Metrics {
    /** Adds {@code amount} to a counter. */
    void count(String name, Map<String, String> labels, double amount);

    /** Records one observation of a distribution, for example a latency in seconds. */
    void observe(String name, Map<String, String> labels, double value);

    /** Sets a gauge. */
    void gauge(String name, Map<String, String> labels, double value);

    /** Metrics that go nowhere. */
    static Metrics noop() {
        return new Metrics() {
            @Override
            public void count(String name, Map<String, String> labels, double amount) {
            }

            @Override
            public void observe(String name, Map<String, String> labels, double value) {
            }

            @Override
            public void gauge(String name, Map<String, String> labels, double value) {
            }
        };
    }
}
