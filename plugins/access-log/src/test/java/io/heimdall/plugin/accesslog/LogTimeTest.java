package io.heimdall.plugin.accesslog;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LogTimeTest {
    @Test
    void formatsLikeInstantAtMillisecondPrecisionAcrossSeconds() {
        AccessLogEntry.LogTime time = new AccessLogEntry.LogTime();
        Instant[] samples = {Instant.parse("2026-11-30T03:12:44.120Z"), Instant.parse("2026-11-30T03:12:44.000999Z"),
                Instant.parse("2026-11-30T03:12:45.999999999Z"), Instant.parse("1999-12-31T23:59:59.05Z"),
                Instant.parse("2026-11-30T03:12:44.007Z")};
        String[] expected = {"2026-11-30T03:12:44.120Z", "2026-11-30T03:12:44.000Z", "2026-11-30T03:12:45.999Z",
                "1999-12-31T23:59:59.050Z", "2026-11-30T03:12:44.007Z"};
        for (int i = 0; i < samples.length; i++) {
            String s = time.format(samples[i]);
            assertEquals(expected[i], s);
            assertEquals(samples[i].truncatedTo(ChronoUnit.MILLIS), Instant.parse(s));
        }
    }
}
