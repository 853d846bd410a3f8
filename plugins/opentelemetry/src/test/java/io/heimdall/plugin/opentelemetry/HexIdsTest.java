package io.heimdall.plugin.opentelemetry;

import io.opentelemetry.api.trace.SpanId;
import io.opentelemetry.api.trace.TraceId;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HexIdsTest {
    @Test
    void idsAreValidLowerCaseHexAndDistinct() {
        HexIds ids = new HexIds();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            String trace = ids.generateTraceId();
            String span = ids.generateSpanId();
            assertTrue(TraceId.isValid(trace) && trace.matches("[0-9a-f]{32}"), trace);
            assertTrue(SpanId.isValid(span) && span.matches("[0-9a-f]{16}"), span);
            seen.add(trace);
        }
        assertEquals(1000, seen.size());
    }
}
