package io.heimdall.api.observe;

import io.heimdall.api.model.GatewayError;
import io.heimdall.api.model.Usage;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How one client request ended, for observers and hooks.
 *
 * @param operation      {@code chat}, {@code chat.stream}, {@code embeddings}, {@code models} or a plugin route's
 *                       {@code METHOD path}
 * @param model          the model the client asked for, empty when there is none
 * @param status         the status the client got (499 if it went away first; for a stream that failed after its
 *                       first chunk, the error's status)
 * @param error          the error, empty on success
 * @param latency        from arrival to the end of the response
 * @param servedBy       {@code provider/model} that answered, {@code cache} or {@code hook}, if any did
 * @param attempts       the number of upstream attempts made
 * @param usage          token usage, when known
 * @param cached         whether the cache answered
 * @param timeToFirstToken for streams: until the first chunk was written to the client
 * @param bytesOut       response body bytes written to the client (for a stream, its events up to {@code [DONE]})
 * @param bytesIn        request body bytes read from the client, {@code -1} when no body was read (a {@code GET}, a
 *                       child request, a request refused before its body)
 * @param response       what the chat answer said of itself (id, model, finish reasons); {@link ResponseInfo#NONE}
 *                       when there was none
 */
public record RequestSummary(String operation, Optional<String> model, int status, Optional<GatewayError> error,
                             Duration latency, Optional<String> servedBy, int attempts, Optional<Usage> usage,
                             boolean cached, Optional<Duration> timeToFirstToken, long bytesOut,
                             long bytesIn, ResponseInfo response) {
    /** A summary without response details. */
    public RequestSummary(String operation, Optional<String> model, int status, Optional<GatewayError> error,
                          Duration latency, Optional<String> servedBy, int attempts, Optional<Usage> usage,
                          boolean cached, Optional<Duration> timeToFirstToken, long bytesOut, long bytesIn) {
        this(operation, model, status, error, latency, servedBy, attempts, usage, cached, timeToFirstToken, bytesOut,
                bytesIn, ResponseInfo.NONE);
    }

    /** Validates the fields. */
    public RequestSummary {
        Objects.requireNonNull(response, "response");
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(error, "error");
        Objects.requireNonNull(latency, "latency");
        Objects.requireNonNull(servedBy, "servedBy");
        Objects.requireNonNull(usage, "usage");
        Objects.requireNonNull(timeToFirstToken, "timeToFirstToken");
    }

    /** A summary without the request body's byte count. */
    public RequestSummary(String operation, Optional<String> model, int status, Optional<GatewayError> error,
                          Duration latency, Optional<String> servedBy, int attempts, Optional<Usage> usage,
                          boolean cached, Optional<Duration> timeToFirstToken, long bytesOut) {
        this(operation, model, status, error, latency, servedBy, attempts, usage, cached, timeToFirstToken, bytesOut,
                -1);
    }

    /** A summary without byte counts. */
    public RequestSummary(String operation, Optional<String> model, int status, Optional<GatewayError> error,
                          Duration latency, Optional<String> servedBy, int attempts, Optional<Usage> usage,
                          boolean cached, Optional<Duration> timeToFirstToken) {
        this(operation, model, status, error, latency, servedBy, attempts, usage, cached, timeToFirstToken, 0);
    }

    /** Whether the client went away before the response was complete. */
    public boolean clientAborted() {
        return status == 499;
    }
}
