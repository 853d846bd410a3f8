package io.heimdall.core.internal.resilience;

import io.heimdall.api.model.GatewayError;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DeadlineTest {
    private final FakeTime time = new FakeTime();

    @Test
    void remainingShrinksWithTimeAndStopsAtZero() {
        Deadline d = Deadline.after(Duration.ofSeconds(10), time);
        assertEquals(Duration.ofSeconds(10), d.remaining());
        time.advance(Duration.ofSeconds(4));
        assertEquals(Duration.ofSeconds(6), d.remaining());
        assertFalse(d.expired());
        time.advance(Duration.ofSeconds(6));
        assertTrue(d.expired());
        assertEquals(Duration.ZERO, d.remaining());
        time.advance(Duration.ofSeconds(60));
        assertEquals(0, d.remainingNanos());
        assertEquals(Duration.ofSeconds(10), d.budget());
    }

    @Test
    void minAndAllowsCompareWithTheTimeLeft() {
        Deadline d = Deadline.after(Duration.ofSeconds(10), time);
        assertEquals(Duration.ofSeconds(3), d.min(Duration.ofSeconds(3)));
        assertEquals(Duration.ofSeconds(10), d.min(Duration.ofMinutes(5)));
        assertEquals(Duration.ZERO, d.min(Duration.ofSeconds(-1)));
        assertTrue(d.allows(Duration.ofSeconds(9)));
        assertFalse(d.allows(Duration.ofSeconds(10)), "waiting all of it leaves nothing for the attempt");
        time.advance(Duration.ofSeconds(8));
        assertEquals(Duration.ofSeconds(2), d.min(Duration.ofSeconds(3)));
    }

    @Test
    void anInstantDeadlineIsReadOnceOnTheClock() {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        Deadline d = Deadline.at(now.plusSeconds(30), Clock.fixed(now, ZoneOffset.UTC), time);
        assertEquals(Duration.ofSeconds(30), d.remaining());
        time.advance(Duration.ofSeconds(5));
        assertEquals(Duration.ofSeconds(25), d.remaining(), "the monotonic source moves it, not the wall clock");
        assertTrue(Deadline.at(now.minusSeconds(1), Clock.fixed(now, ZoneOffset.UTC), time).expired());
    }

    @Test
    void hugeAndNegativeBudgetsDoNotOverflow() {
        Deadline forever = Deadline.after(Duration.ofDays(365L * 1_000_000), time);
        assertFalse(forever.expired());
        time.advance(Duration.ofDays(365));
        assertFalse(forever.expired());
        assertTrue(forever.remaining().compareTo(Duration.ofDays(365L * 290)) > 0);
        assertTrue(Deadline.after(Duration.ofSeconds(-5), time).expired());
        assertFalse(Deadline.after(Duration.ofSeconds(5)).expired(), "the system time source");
    }

    @Test
    void timeoutErrorIsThe504TimeoutShape() {
        Deadline d = Deadline.after(Duration.ofSeconds(60), time);
        GatewayError e = d.timeoutError("after 3 attempts");
        assertEquals(504, e.status());
        assertEquals(GatewayError.TIMEOUT, e.type());
        assertEquals(Optional.of("request_timeout"), e.code());
        assertEquals("The request timed out after 3 attempts (time limit 1m)", e.message());
        assertEquals(Failure.DEADLINE, Failure.classify(e));
        assertEquals("The request timed out while waiting (time limit 1.5s)",
                Deadline.after(Duration.ofMillis(1500), time).timeoutError(" while waiting ").message());
    }
}
