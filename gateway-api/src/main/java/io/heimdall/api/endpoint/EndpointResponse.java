package io.heimdall.api.endpoint;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The response of a plugin route. Set the status and headers, then send exactly once: a whole body, a byte stream, or
 * Server-Sent Events. Every response carries {@code x-request-id}. Writing after the client went away throws
 * {@link io.heimdall.api.GatewayException} with status 499: stop and return.
 */
public interface EndpointResponse {
    /** Sets the status (default 200). */
    EndpointResponse status(int status);

    /**
     * Sets a response header, replacing an earlier value of the same name.
     *
     * @throws IllegalStateException once the response is committed (headers already sent)
     */
    EndpointResponse header(String name, String value);

    /** Sends a whole body with this content type. */
    void send(String contentType, byte[] body);

    /** Sends a UTF-8 text body with this content type. */
    default void send(String contentType, String body) {
        send(contentType, body.getBytes(StandardCharsets.UTF_8));
    }

    /** Sends a JSON body. */
    default void json(byte[] body) {
        send("application/json", body);
    }

    /** Sends no body (for example with status 204). */
    void sendEmpty();

    /**
     * Commits the status and headers and returns the body stream (chunked); each {@code flush()} reaches the client.
     * Close it to finish the response.
     */
    OutputStream stream(String contentType);

    /** Commits the headers for {@code text/event-stream} and returns the event writer. */
    SseStream sse();

    /** Whether the status and headers were sent. */
    boolean committed();
}
