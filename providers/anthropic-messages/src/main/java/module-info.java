/**
 * The Anthropic Messages API wire translation: canonical (OpenAI Chat Completions) requests to Messages API bodies,
 * responses, stream events and errors back, independent of transport, URL and auth. Used by the {@code anthropic}
 * provider and by Claude on Vertex AI. Provides no factory.
 */
module io.heimdall.provider.anthropic.messages {
    requires transitive io.heimdall.api;
    requires com.fasterxml.jackson.databind;

    exports io.heimdall.provider.anthropic.messages;
}
