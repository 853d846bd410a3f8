package io.heimdall.provider.cohere;

import io.heimdall.testkit.tck.NativeUpstream;

/** The cohere provider's test mock (its sources linked into the distribution's tests): Cohere v2 chat. */
public final class CohereMocks {
    private CohereMocks() {
    }

    /** Starts a mock of {@code POST /v2/chat}. */
    public static NativeUpstream start() {
        return new CohereUpstream();
    }
}
