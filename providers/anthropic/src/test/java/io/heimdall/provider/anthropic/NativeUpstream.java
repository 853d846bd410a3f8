package io.heimdall.provider.anthropic;

import java.util.List;

/** Stand-in for io.heimdall.testkit.tck.NativeUpstream until the TCK lands on main. */
public interface NativeUpstream extends AutoCloseable {
    String baseUrl();

    void enqueue(Reply reply);

    List<SeenRequest> requests();

    void reset();

    @Override
    void close();
}
