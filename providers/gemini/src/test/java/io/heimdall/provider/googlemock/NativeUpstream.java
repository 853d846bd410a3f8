package io.heimdall.provider.googlemock;

import java.util.List;

/** A scripted mock upstream speaking one provider's native wire format over a real socket on 127.0.0.1. */
public interface NativeUpstream extends AutoCloseable {
    /** What the provider under test is configured with. */
    String baseUrl();

    /** Each reply answers one request, FIFO. */
    void enqueue(Reply reply);

    /** Received so far, oldest first. */
    List<SeenRequest> requests();

    /** Clears queue and requests. */
    void reset();

    @Override
    void close();
}
