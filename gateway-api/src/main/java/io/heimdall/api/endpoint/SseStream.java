package io.heimdall.api.endpoint;

/**
 * Writes Server-Sent Events, each flushed to the client at once. Multi-line data is split into several
 * {@code data:} lines as the HTML standard requires. Close to end the response.
 */
public interface SseStream extends AutoCloseable {
    /** An event with a name: {@code event: <name>} then {@code data: <data>}. */
    void event(String name, String data);

    /** An unnamed event: {@code data: <data>}. */
    void data(String data);

    /** A comment line ({@code : text}), for keep-alives. */
    void comment(String text);

    /** Ends the stream. */
    @Override
    void close();
}
