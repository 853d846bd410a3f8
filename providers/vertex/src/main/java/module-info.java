/**
 * Provider type {@code vertex}: Gemini and Claude models on Google Vertex AI, with the translations of
 * {@code io.heimdall.provider.gemini.wire} and {@code io.heimdall.provider.anthropic.messages} and OAuth tokens from google-auth-library (service account, ADC, or a fixed
 * token). Its private dependencies (the wire module, google-auth and what it brings) live in {@code plugins/vertex/}.
 */
module io.heimdall.provider.vertex {
    requires io.heimdall.api;
    requires io.heimdall.provider.gemini.wire;
    requires io.heimdall.provider.anthropic.messages;
    requires com.fasterxml.jackson.databind;
    requires com.google.auth;
    requires com.google.auth.oauth2;
    // explicit modules google-auth needs but cannot require (it is an automatic module): resolve them too
    requires com.google.common;
    requires com.google.gson;

    provides io.heimdall.api.provider.ProviderFactory with io.heimdall.provider.vertex.VertexProviderFactory;
}
