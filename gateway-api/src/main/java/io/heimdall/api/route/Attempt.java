package io.heimdall.api.route;

import io.heimdall.api.model.GatewayError;
import io.heimdall.api.model.Usage;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * How one upstream attempt ended. Routers learn from it ({@link Router#record}), observers report it.
 *
 * @param target          what was tried
 * @param number          the attempt number within the client request, from 1
 * @param retry           the retry number on this same target, 0 for its first try
 * @param status          the HTTP status: 200 on success, the upstream's or the gateway's error status otherwise
 *                        (499 when the client went away)
 * @param error           the error, empty on success
 * @param fault           whose fault a failure was
 * @param retryAfter      the upstream's {@code retry-after}, if it sent one
 * @param latency         from the start of the attempt to its end (for a stream: its last chunk)
 * @param timeToFirstByte until the upstream's response headers arrived, if they did
 * @param timeToFirstToken until the first streamed chunk reached the gateway, for streams that produced one
 * @param usage           token usage reported by the upstream, if any
 * @param serverAddress   the host name the attempt last sent a request to through the gateway's HTTP client, if any
 * @param serverPort      that host's port, if any
 */
public record Attempt(Target target, int number, int retry, int status, Optional<GatewayError> error, Fault fault,
                      Optional<Duration> retryAfter, Duration latency, Optional<Duration> timeToFirstByte,
                      Optional<Duration> timeToFirstToken, Optional<Usage> usage, Optional<String> serverAddress,
                      OptionalInt serverPort) {
    /** Validates the fields. */
    public Attempt {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(error, "error");
        Objects.requireNonNull(fault, "fault");
        Objects.requireNonNull(retryAfter, "retryAfter");
        Objects.requireNonNull(latency, "latency");
        Objects.requireNonNull(timeToFirstByte, "timeToFirstByte");
        Objects.requireNonNull(timeToFirstToken, "timeToFirstToken");
        Objects.requireNonNull(usage, "usage");
        Objects.requireNonNull(serverAddress, "serverAddress");
        Objects.requireNonNull(serverPort, "serverPort");
    }

    /** An attempt whose upstream address is not known. */
    public Attempt(Target target, int number, int retry, int status, Optional<GatewayError> error, Fault fault,
                   Optional<Duration> retryAfter, Duration latency, Optional<Duration> timeToFirstByte,
                   Optional<Duration> timeToFirstToken, Optional<Usage> usage) {
        this(target, number, retry, status, error, fault, retryAfter, latency, timeToFirstByte, timeToFirstToken,
                usage, Optional.empty(), OptionalInt.empty());
    }

    /** Whether the attempt succeeded. */
    public boolean succeeded() {
        return fault == Fault.NONE;
    }

    /** Whether the failure counts against the target's health (its fault: {@link Fault#PROVIDER} or timeout). */
    public boolean countsAgainstTarget() {
        return fault == Fault.PROVIDER || fault == Fault.TIMEOUT;
    }
}
