package io.heimdall.core.internal.engine;

import io.heimdall.api.metrics.MetricSample;
import io.heimdall.api.model.Usage;
import io.heimdall.api.observe.RequestSummary;
import io.heimdall.api.route.Attempt;
import io.heimdall.api.route.Fault;
import io.heimdall.api.route.Target;
import io.heimdall.core.internal.metrics.MetricsRegistry;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The core's series handles, cached per label set: each label value that differs counts in a series of its own. */
class CoreMetricsTest {

    private static double value(MetricsRegistry registry, String family, Map<String, String> labels) {
        return registry.snapshot().stream().filter(f -> f.name().equals(family)).findFirst().orElseThrow()
                .samples().stream().filter(s -> s.labels().equals(labels)).mapToDouble(MetricSample::value)
                .findFirst().orElse(0);
    }

    private static RequestSummary request(String model, int status, long promptTokens) {
        return new RequestSummary("chat", Optional.of(model), status, Optional.empty(), Duration.ofMillis(5),
                Optional.of("p/" + model), 1, Optional.of(Usage.of(promptTokens, 1)), false,
                Optional.of(Duration.ofMillis(2)));
    }

    private static Attempt attempt(String key, int status, Fault fault) {
        return new Attempt(new Target("p", "m", key, 1, 0), 1, 0, status, Optional.empty(), fault, Optional.empty(),
                Duration.ofMillis(3), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                OptionalInt.empty());
    }

    @Test
    void requestsAndTokensAreCountedPerModelAndStatus() {
        MetricsRegistry registry = new MetricsRegistry();
        CoreMetrics metrics = new CoreMetrics(registry);
        for (RequestSummary s : new RequestSummary[]{request("a", 200, 10), request("a", 200, 5),
                request("a", 429, 7), request("b", 200, 3)}) {
            metrics.requestStarted(s.operation());
            metrics.requestFinished(s);
        }
        assertEquals(2, value(registry, "heimdall_requests", Map.of("operation", "chat", "model", "a",
                "provider", "p", "status", "200")));
        assertEquals(1, value(registry, "heimdall_requests", Map.of("operation", "chat", "model", "a",
                "provider", "p", "status", "429")));
        assertEquals(1, value(registry, "heimdall_requests", Map.of("operation", "chat", "model", "b",
                "provider", "p", "status", "200")));
        assertEquals(22, value(registry, "heimdall_tokens", Map.of("model", "a", "provider", "p", "kind", "prompt")));
        assertEquals(3, value(registry, "heimdall_tokens", Map.of("model", "a", "provider", "p",
                "kind", "completion")));
        assertEquals(3, value(registry, "heimdall_tokens", Map.of("model", "b", "provider", "p", "kind", "prompt")));
    }

    @Test
    void attemptsAreCountedPerKeyStatusAndFault() {
        MetricsRegistry registry = new MetricsRegistry();
        CoreMetrics metrics = new CoreMetrics(registry);
        metrics.attemptFinished(attempt("k1", 200, Fault.NONE));
        metrics.attemptFinished(attempt("k1", 200, Fault.NONE));
        metrics.attemptFinished(attempt("k1", 504, Fault.TIMEOUT));
        metrics.attemptFinished(attempt("k1", 504, Fault.PROVIDER));
        metrics.attemptFinished(attempt("k2", 200, Fault.NONE));
        assertEquals(2, value(registry, "heimdall_attempts", Map.of("provider", "p", "key", "k1", "status", "200",
                "fault", "none")));
        assertEquals(1, value(registry, "heimdall_attempts", Map.of("provider", "p", "key", "k1", "status", "504",
                "fault", "timeout")));
        assertEquals(1, value(registry, "heimdall_attempts", Map.of("provider", "p", "key", "k1", "status", "504",
                "fault", "provider")));
        assertEquals(1, value(registry, "heimdall_attempts", Map.of("provider", "p", "key", "k2", "status", "200",
                "fault", "none")));
    }
}
