package io.heimdall.core.internal.resilience;

import io.heimdall.api.model.GatewayError;

/**
 * What kind of failure ended an attempt, and so what the gateway does next: retry or stop, and whom to blame (the
 * target's circuit breaker, the key, or nobody). {@link #classify} reads the errors that providers, the
 * {@code ApacheUpstreamClient}, the wire codec and this package produce:
 *
 * <table>
 *   <caption>Classification</caption>
 *   <tr><th>error</th><th>kind</th><th>retryable</th><th>breaker</th></tr>
 *   <tr><td>499 (any code)</td><td>{@link #CLIENT_CLOSED}</td><td>no</td><td>neutral</td></tr>
 *   <tr><td>503 {@code provider_overloaded}, {@code gateway_overloaded}</td><td>{@link #OVERLOADED}</td>
 *       <td>yes</td><td>neutral</td></tr>
 *   <tr><td>504 {@code request_timeout} (the request's own deadline)</td><td>{@link #DEADLINE}</td><td>no</td>
 *       <td>neutral</td></tr>
 *   <tr><td>429</td><td>{@link #RATE_LIMITED}</td><td>yes</td><td>neutral (the key cools down)</td></tr>
 *   <tr><td>401, 403</td><td>{@link #KEY_REJECTED}</td><td>no (another key may)</td>
 *       <td>neutral (the key is disabled)</td></tr>
 *   <tr><td>408, 504</td><td>{@link #TIMEOUT}</td><td>yes</td><td>failure</td></tr>
 *   <tr><td>502 {@code upstream_unreachable}</td><td>{@link #UNREACHABLE}</td><td>yes</td><td>failure</td></tr>
 *   <tr><td>502 {@code bad_upstream_response}</td><td>{@link #BAD_RESPONSE}</td><td>yes</td><td>failure</td></tr>
 *   <tr><td>other 5xx</td><td>{@link #SERVER_ERROR}</td><td>yes</td><td>failure</td></tr>
 *   <tr><td>other 4xx (400, 404, 409, 413, 422 ...)</td><td>{@link #CLIENT_ERROR}</td><td>no</td><td>neutral</td></tr>
 * </table>
 *
 * <p>A provider that shortens its upstream timeout to the request's deadline reports a plain 504 when the deadline
 * runs out; a caller that sees {@link Deadline#expired()} after a {@link #TIMEOUT} should report the attempt as
 * neutral rather than blame the target.
 */
public enum Failure {
    /** A 5xx the upstream (or the provider plugin) answered: retry; counts against the target. */
    SERVER_ERROR,
    /** No connection, or the connection broke (502 {@code upstream_unreachable}): retry; counts against the target. */
    UNREACHABLE,
    /** The upstream answered something unreadable (502 {@code bad_upstream_response}): retry; counts. */
    BAD_RESPONSE,
    /** The upstream did not answer in time (504, 408): retry; counts against the target. */
    TIMEOUT,
    /** 429: retry elsewhere or after the wait; the key cools down, the breaker does not count it. */
    RATE_LIMITED,
    /** 401/403: this key is refused; never retry it, though a target with another key may succeed. */
    KEY_REJECTED,
    /** The gateway's own capacity limit (503 {@code provider_overloaded}/{@code gateway_overloaded}): retry elsewhere. */
    OVERLOADED,
    /** The request's own deadline passed (504 {@code request_timeout}): stop; nobody's fault. */
    DEADLINE,
    /** A 4xx caused by the request itself (400, 404, 413, 422 ...): stop; no other target will do better. */
    CLIENT_ERROR,
    /** 499: the client went away; stop at once. */
    CLIENT_CLOSED;

    /** The code of the 503 a full {@link Bulkhead} answers. */
    public static final String PROVIDER_OVERLOADED = "provider_overloaded";
    /** The code of the 503 a full {@link InFlightLimit} answers. */
    public static final String GATEWAY_OVERLOADED = "gateway_overloaded";
    /** The code of the 504 of a request whose deadline passed. */
    public static final String REQUEST_TIMEOUT = "request_timeout";

    /** The kind of an attempt's error. */
    public static Failure classify(GatewayError error) {
        int status = error.status();
        String code = error.code().orElse("");
        if (status == 499) {
            return CLIENT_CLOSED;
        }
        if (status == 503 && (code.equals(PROVIDER_OVERLOADED) || code.equals(GATEWAY_OVERLOADED))) {
            return OVERLOADED;
        }
        if (status == 504 && code.equals(REQUEST_TIMEOUT)) {
            return DEADLINE;
        }
        return switch (status) {
            case 429 -> RATE_LIMITED;
            case 401, 403 -> KEY_REJECTED;
            case 408, 504 -> TIMEOUT;
            case 502 -> switch (code) {
                case "upstream_unreachable" -> UNREACHABLE;
                case "bad_upstream_response" -> BAD_RESPONSE;
                default -> SERVER_ERROR;
            };
            default -> status >= 500 ? SERVER_ERROR : CLIENT_ERROR;
        };
    }

    /**
     * Whether another attempt may succeed (on this target after a backoff, or on the next): connection failures,
     * timeouts, 429, 5xx, unreadable upstream answers, and the gateway's own overload. Never 4xx client errors,
     * 401/403, 499 or the request's own deadline.
     */
    public boolean retryable() {
        return switch (this) {
            case SERVER_ERROR, UNREACHABLE, BAD_RESPONSE, TIMEOUT, RATE_LIMITED, OVERLOADED -> true;
            case KEY_REJECTED, DEADLINE, CLIENT_ERROR, CLIENT_CLOSED -> false;
        };
    }

    /**
     * Whether a target with a different key may succeed: {@link #retryable()} or {@link #KEY_REJECTED}. The
     * rejected key itself is taken out by {@link KeyHealth#disable}, so it is never retried in a loop.
     */
    public boolean otherKeyMayHelp() {
        return retryable() || this == KEY_REJECTED;
    }

    /**
     * Whether the failure counts against the target's health (circuit breaker, outlier ejection): the upstream
     * failed or was unreachable. Everything else is reported as neutral.
     */
    public boolean targetFault() {
        return switch (this) {
            case SERVER_ERROR, UNREACHABLE, BAD_RESPONSE, TIMEOUT -> true;
            default -> false;
        };
    }

    /**
     * Whether the failure counts in the target's error-rate average: target faults plus 429 and 401/403 (the target
     * did not serve), but not what the client, the deadline or the gateway's own limits caused.
     */
    public boolean countsAsError() {
        return targetFault() || this == RATE_LIMITED || this == KEY_REJECTED;
    }
}
