package io.heimdall.provider.bedrock;

import java.util.List;

/** Stand-in for io.heimdall.testkit.tck.NativeUpstream until the TCK lands on main (same shape). */
interface NativeUpstream extends AutoCloseable {
    String baseUrl();

    void enqueue(Reply reply);

    List<SeenRequest> requests();

    void reset();

    @Override
    void close();
}
