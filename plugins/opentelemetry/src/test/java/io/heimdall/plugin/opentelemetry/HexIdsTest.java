package io.heimdall.plugin.opentelemetry;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanId;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceId;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HexIdsTest {
    @Test
    void idsAreValidLowerCaseHexDistinctAndParseBack() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            long high = HexIds.randomId();
            long low = HexIds.randomId();
            long span = HexIds.randomId();
            assertNotEquals(0, span);
            String trace = HexIds.hex(high, low);
            String spanHex = HexIds.hex(span);
            assertTrue(TraceId.isValid(trace) && trace.matches("[0-9a-f]{32}"), trace);
            assertTrue(SpanId.isValid(spanHex) && spanHex.matches("[0-9a-f]{16}"), spanHex);
            assertEquals(high, HexIds.parse(trace, 0));
            assertEquals(low, HexIds.parse(trace, 16));
            seen.add(trace);
        }
        assertEquals(1000, seen.size());
    }

    @Test
    void traceparentIsWhatTheW3cPropagatorWrites() {
        for (boolean sampled : new boolean[] {true, false}) {
            long high = HexIds.randomId();
            long low = HexIds.randomId();
            long span = HexIds.randomId();
            SpanContext context = SpanContext.create(HexIds.hex(high, low), HexIds.hex(span),
                    sampled ? TraceFlags.getSampled() : TraceFlags.getDefault(), TraceState.getDefault());
            Map<String, String> headers = new HashMap<>();
            W3CTraceContextPropagator.getInstance().inject(Context.root().with(Span.wrap(context)), headers,
                    Map::put);
            assertEquals(headers.get("traceparent"), HexIds.traceparent(high, low, span, sampled));
        }
    }
}
