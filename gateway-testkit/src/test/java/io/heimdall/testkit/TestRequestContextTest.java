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
        assertEquals(io.heimdall.api.auth.Caller.anonymous(), a.caller());
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
        assertEquals("team-a", context.caller().id());
        assertTrue(context.caller().authenticated());
        assertThrows(UnsupportedOperationException.class, () -> context.headers().put("a", List.of()));
    }

    @Test
    void setsResponseAndUpstreamHeadersInOrderAsTheGatewayDoes() {
        TestRequestContext context = new TestRequestContext();
        context.setUpstreamHeader("x-b", "1");
        context.setUpstreamHeader("x-a", "2");
        context.setResponseHeader("x-cache", "hit");
        context.setResponseHeader("X-Cache", "again");

        assertEquals(List.of("x-b", "x-a"), List.copyOf(context.upstreamHeaders().keySet()));
        assertEquals(Map.of("X-Cache", List.of("again")), context.responseHeaders());
        assertThrows(UnsupportedOperationException.class, () -> context.upstreamHeaders().put("x", "y"));
        context.commitResponse();
        assertThrows(IllegalStateException.class, () -> context.setResponseHeader("x-late", "1"));
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
