/**
 * Provider type {@code gemini}: the Gemini API of Google AI Studio ({@code generativelanguage.googleapis.com}), with
 * the translation of {@code io.heimdall.provider.gemini.wire}. Exports nothing: the core finds the factory through
 * {@code provides}.
 */
module io.heimdall.provider.gemini {
    requires io.heimdall.api;
    requires io.heimdall.provider.gemini.wire;
    requires com.fasterxml.jackson.databind;

    provides io.heimdall.api.provider.ProviderFactory with io.heimdall.provider.gemini.GeminiProviderFactory;
}
