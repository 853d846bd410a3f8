package io.heimdall.core.internal.resilience;

import io.heimdall.api.model.GatewayError;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FailureTest {
    private static GatewayError status(int status, String code) {
        return GatewayError.of(status, GatewayError.typeForStatus(status), "x", code);
    }

    @Test
    void theErrorsTheGatewayProducesAreClassified() {
        // ApacheUpstreamClient and the providers
        assertEquals(Failure.UNREACHABLE, Failure.classify(GatewayError.upstreamUnreachable("p", "refused")));
        assertEquals(Failure.TIMEOUT, Failure.classify(GatewayError.upstreamTimeout("p")));
        // JacksonOpenAiWire and OpenAiProvider for unreadable answers
        assertEquals(Failure.BAD_RESPONSE, Failure.classify(status(502, "bad_upstream_response")));
        // an upstream's own 5xx, a stream's error event (502 without a code), the engine's wrapped plugin bug
        assertEquals(Failure.SERVER_ERROR, Failure.classify(status(500, "server_error")));
        assertEquals(Failure.SERVER_ERROR, Failure.classify(status(502, null)));
        assertEquals(Failure.SERVER_ERROR, Failure.classify(status(503, null)));
        assertEquals(Failure.SERVER_ERROR, Failure.classify(status(500, "provider_error")));
        assertEquals(Failure.TIMEOUT, Failure.classify(status(408, null)));
        assertEquals(Failure.RATE_LIMITED, Failure.classify(status(429, "rate_limit_exceeded")
                .withRetryAfter(Duration.ofSeconds(1))));
        assertEquals(Failure.RATE_LIMITED, Failure.classify(status(429, "insufficient_quota")));
        assertEquals(Failure.KEY_REJECTED, Failure.classify(status(401, "invalid_api_key")));
        assertEquals(Failure.KEY_REJECTED, Failure.classify(status(401, "missing_api_key")));
        assertEquals(Failure.KEY_REJECTED, Failure.classify(status(403, null)));
        assertEquals(Failure.CLIENT_ERROR, Failure.classify(GatewayError.invalidRequest("bad", "messages")));
        assertEquals(Failure.CLIENT_ERROR, Failure.classify(GatewayError.modelNotFound("m")));
        assertEquals(Failure.CLIENT_ERROR, Failure.classify(GatewayError.unsupported("p", "embeddings")));
        assertEquals(Failure.CLIENT_ERROR, Failure.classify(status(422, null)));
        assertEquals(Failure.CLIENT_ERROR, Failure.classify(status(413, null)));
        // the HTTP layer's and the mock provider's client-gone errors
        assertEquals(Failure.CLIENT_CLOSED, Failure.classify(GatewayError.of(499, GatewayError.INVALID_REQUEST,
                "gone", "client_closed_request")));
        assertEquals(Failure.CLIENT_CLOSED, Failure.classify(GatewayError.of(499, GatewayError.API_ERROR,
                "cancelled", "client_closed")));
        // this package's own errors
        assertEquals(Failure.OVERLOADED, Failure.classify(status(503, "provider_overloaded")));
        assertEquals(Failure.OVERLOADED, Failure.classify(status(503, "gateway_overloaded")));
        assertEquals(Failure.DEADLINE, Failure.classify(GatewayError.of(504, GatewayError.TIMEOUT,
                "The request timed out after 2 attempt(s)", "request_timeout")));
    }

    @Test
    void retryableFollowsTheRules() {
        for (int s : new int[] {400, 401, 403, 404, 422, 499}) {
            assertFalse(Failure.classify(status(s, null)).retryable(), "never " + s);
        }
        for (int s : new int[] {408, 429, 500, 502, 503, 504}) {
            assertTrue(Failure.classify(status(s, null)).retryable(), "always " + s);
        }
        assertFalse(Failure.DEADLINE.retryable());
        assertTrue(Failure.OVERLOADED.retryable());
        assertTrue(Failure.KEY_REJECTED.otherKeyMayHelp());
        assertFalse(Failure.CLIENT_ERROR.otherKeyMayHelp());
        assertFalse(Failure.CLIENT_CLOSED.otherKeyMayHelp());
    }

    @Test
    void forPlainUpstreamStatusesRetryableAgreesWithGatewayError() {
        for (int s = 400; s <= 599; s++) {
            if (s == 499) {
                continue;
            }
            GatewayError e = status(s, null);
            assertEquals(e.retryable(), Failure.classify(e).retryable(), "status " + s);
        }
    }

    @Test
    void onlyUpstreamFaultsCountAgainstTheTarget() {
        Set<Failure> faults = Set.of(Failure.SERVER_ERROR, Failure.UNREACHABLE, Failure.BAD_RESPONSE,
                Failure.TIMEOUT);
        for (Failure f : Failure.values()) {
            assertEquals(faults.contains(f), f.targetFault(), f.name());
        }
        assertTrue(Failure.RATE_LIMITED.countsAsError());
        assertTrue(Failure.KEY_REJECTED.countsAsError());
        assertFalse(Failure.CLIENT_CLOSED.countsAsError());
        assertFalse(Failure.OVERLOADED.countsAsError());
    }
}
