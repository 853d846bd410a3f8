package io.heimdall.core.internal.resilience;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OutlierDetectorTest {
    private final FakeTime time = new FakeTime();

    @Test
    void consecutiveFailuresEjectForThePeriod() {
        OutlierDetector d = new OutlierDetector(new OutlierSettings(true, 3, Duration.ofSeconds(30)), time);
        assertFalse(d.onFailure());
        assertFalse(d.onFailure());
        assertFalse(d.ejected());
        assertTrue(d.onFailure());
        assertTrue(d.ejected());
        assertEquals(Duration.ofSeconds(30), d.ejectedFor());
        assertFalse(d.onFailure(), "already ejected");
        time.advance(Duration.ofSeconds(30));
        assertFalse(d.ejected());
        assertEquals(Duration.ZERO, d.ejectedFor());
        assertTrue(d.onFailure(), "the next failure after the period ejects again at once");
        assertEquals(2, d.ejections());
    }

    @Test
    void aSuccessStartsTheCountOver() {
        OutlierDetector d = new OutlierDetector(new OutlierSettings(true, 2, Duration.ofSeconds(30)), time);
        d.onFailure();
        d.onSuccess();
        assertEquals(0, d.consecutiveFailures());
        assertFalse(d.onFailure());
        assertTrue(d.onFailure());
        time.advance(Duration.ofSeconds(31));
        d.onSuccess();
        assertFalse(d.onFailure(), "after a success it takes the full count again");
    }

    @Test
    void disabledNeverEjects() {
        OutlierDetector d = new OutlierDetector(new OutlierSettings(false, 1, Duration.ofSeconds(30)), time);
        for (int i = 0; i < 10; i++) {
            assertFalse(d.onFailure());
        }
        assertFalse(d.ejected());
        assertEquals(10, d.consecutiveFailures());
    }
}
