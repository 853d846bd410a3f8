package io.heimdall.provider.openai;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RetryAfterTest {
    private static final Instant NOW = Instant.parse("2026-01-02T03:04:05Z");

    private static Optional<Duration> parse(Map<String, String> headers) {
        return RetryAfter.parse(name -> Optional.ofNullable(headers.get(name)), NOW);
    }

    @Test
    void seconds() {
        assertEquals(Optional.of(Duration.ofSeconds(7)), parse(Map.of("retry-after", "7")));
        assertEquals(Optional.of(Duration.ofMillis(1500)), parse(Map.of("retry-after", " 1.5 ")));
        assertEquals(Optional.of(Duration.ZERO), parse(Map.of("retry-after", "0")));
    }

    @Test
    void millisecondsWin() {
        assertEquals(Optional.of(Duration.ofMillis(250)),
                parse(Map.of("retry-after", "7", "retry-after-ms", "250")));
        assertEquals(Optional.of(Duration.ofNanos(20_500_000)), parse(Map.of("retry-after-ms", "20.5")));
    }

    @Test
    void badMillisecondsFallBackToSeconds() {
        assertEquals(Optional.of(Duration.ofSeconds(3)), parse(Map.of("retry-after", "3", "retry-after-ms", "x")));
    }

    @Test
    void httpDate() {
        assertEquals(Optional.of(Duration.ofSeconds(55)),
                parse(Map.of("retry-after", "Fri, 02 Jan 2026 03:05:00 GMT")));
        assertEquals(Optional.of(Duration.ZERO), parse(Map.of("retry-after", "Thu, 01 Jan 2026 00:00:00 GMT")));
    }

    @Test
    void garbageAndNegativeAreIgnored() {
        assertEquals(Optional.empty(), parse(Map.of()));
        assertEquals(Optional.empty(), parse(Map.of("retry-after", "soon")));
        assertEquals(Optional.empty(), parse(Map.of("retry-after", "-3")));
        assertEquals(Optional.empty(), parse(Map.of("retry-after", "")));
        assertEquals(Optional.empty(), parse(Map.of("retry-after-ms", "NaN")));
    }

    @Test
    void hugeValuesAreCapped() {
        assertEquals(Optional.of(RetryAfter.MAX), parse(Map.of("retry-after", "99999999999999")));
        assertEquals(Optional.of(RetryAfter.MAX), parse(Map.of("retry-after", "Fri, 01 Jan 2100 00:00:00 GMT")));
    }
}
