package io.heimdall.testkit;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TestRequestContextTest {
    @Test
    void defaults() {
        Instant before = Instant.now();
        TestRequestContext a = new TestRequestContext();
        TestRequestContext b = new TestRequestContext();

        assertTrue(a.requestId().startsWith("test-req-"));
        assertNotEquals(a.requestId(), b.requestId());
        assertEquals("fixed", new TestRequestContext("fixed").requestId());
        assertTrue(!a.deadline().isBefore(before.plusSeconds(60)) && a.deadline().isBefore(before.plusSeconds(62)));
        assertEquals(Optional.empty(), a.caller());
        assertTrue(a.headers().isEmpty());
        assertTrue(a.upstreamHeaders().isEmpty());
        assertTrue(a.responseHeaders().isEmpty());
    }

    @Test
    void headersAreLowerCasedAndReadByTheDefaultMethod() {
        TestRequestContext context = new TestRequestContext().header("X-Tenant", "blue").header("x-tenant", "red")
                .caller("team-a");

        assertEquals(Map.of("x-tenant", List.of("blue", "red")), context.headers());
        assertEquals(Optional.of("blue"), context.header("X-TENANT"));
        assertEquals(Optional.empty(), context.header("missing"));
        assertEquals(Optional.of("team-a"), context.caller());
        assertThrows(UnsupportedOperationException.class, () -> context.headers().put("a", List.of()));
    }

    @Test
    void recordsResponseAndUpstreamHeadersInOrder() {
        TestRequestContext context = new TestRequestContext();
        context.addUpstreamHeader("x-b", "1");
        context.addUpstreamHeader("x-a", "2");
        context.addResponseHeader("x-cache", "hit");
        context.addResponseHeader("x-cache", "again");

        assertEquals(List.of("x-b", "x-a"), List.copyOf(context.upstreamHeaders().keySet()));
        assertEquals(Map.of("x-cache", List.of("hit", "again")), context.responseHeaders());
        assertThrows(UnsupportedOperationException.class, () -> context.upstreamHeaders().put("x", "y"));
    }

    @Test
    void deadlineAttributesAreSettable() {
        Instant at = Instant.parse("2030-01-01T00:00:00Z");
        TestRequestContext context = new TestRequestContext().deadline(at);
        context.attributes().put("plugin.key", 42);

        assertEquals(at, context.deadline());
        assertEquals(42, context.attributes().get("plugin.key"));
        Instant soon = Instant.now().plus(Duration.ofMillis(500));
        assertTrue(!context.timeout(Duration.ofSeconds(1)).deadline().isBefore(soon));
    }
}
