package io.heimdall.testkit.tck;

import java.util.List;

/**
 * A scripted mock upstream that speaks one provider's native wire format over a real socket on 127.0.0.1, for
 * {@link NativeProviderContract}. It renders each provider-neutral {@link Reply} the way the provider documents it
 * (status, headers, JSON bodies, SSE or binary event-stream frames, error bodies) and decodes every native request it
 * receives back into a provider-neutral {@link SeenRequest}.
 */
public interface NativeUpstream extends AutoCloseable {
    /** The base URL the provider under test is configured with. */
    String baseUrl();

    /** Queues a reply: each reply answers one request, first in first out; with none queued the mock answers "ok". */
    void enqueue(Reply reply);

    /** The requests received so far, oldest first. */
    List<SeenRequest> requests();

    /** Clears the queued replies and the received requests. */
    void reset();

    /** Stops the server. */
    @Override
    void close();
}
