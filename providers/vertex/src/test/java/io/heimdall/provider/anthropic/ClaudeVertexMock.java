package io.heimdall.provider.anthropic;

import io.heimdall.testkit.tck.NativeUpstream;
import io.heimdall.testkit.tck.Reply;
import io.heimdall.testkit.tck.SeenRequest;

import java.util.List;

/**
 * Claude on Vertex AI for the vertex provider's tests: the Anthropic mock (linked from the anthropic provider's test
 * sources) in its Vertex mode — {@code publishers/anthropic/models/{model}:rawPredict} and {@code :streamRawPredict},
 * a bearer token, {@code anthropic_version: vertex-2023-10-16} and no {@code model} in the body, else a 400.
 */
public final class ClaudeVertexMock implements NativeUpstream {
    private final AnthropicUpstream upstream = new AnthropicUpstream(true);

    @Override
    public String baseUrl() {
        return upstream.baseUrl();
    }

    @Override
    public void enqueue(Reply reply) {
        upstream.enqueue(reply);
    }

    @Override
    public List<SeenRequest> requests() {
        return upstream.requests();
    }

    @Override
    public void reset() {
        upstream.reset();
    }

    @Override
    public void close() {
        upstream.close();
    }
}
