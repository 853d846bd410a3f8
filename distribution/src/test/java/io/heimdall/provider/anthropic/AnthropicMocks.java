package io.heimdall.provider.anthropic;

import io.heimdall.testkit.tck.NativeUpstream;

/**
 * The anthropic provider's test mock (its sources linked into the distribution's tests) for the end-to-end ITs: the
 * Anthropic Messages API, or Claude on Vertex AI ({@code :rawPredict} / {@code :streamRawPredict}).
 */
public final class AnthropicMocks {
    private AnthropicMocks() {
    }

    /** The Anthropic API ({@code POST /v1/messages}). */
    public static NativeUpstream anthropic() {
        return new AnthropicUpstream();
    }

    /** Claude on Vertex AI ({@code publishers/anthropic/models/{model}:rawPredict}, bearer token). */
    public static NativeUpstream claudeOnVertex() {
        return new AnthropicUpstream(true);
    }

    /** Sets the models the Anthropic mock's {@code GET /v1/models} lists (two per page). */
    public static void models(NativeUpstream anthropic, java.util.List<String> ids) {
        ((AnthropicUpstream) anthropic).models(ids);
    }
}
