/**
 * The Gemini {@code generateContent} wire translation shared by the {@code gemini} (Google AI Studio) and
 * {@code vertex} (Vertex AI) providers: canonical OpenAI chat to Gemini {@code contents}/{@code parts} and back,
 * streaming, errors, tool-call ids and model-name validation. Provides no factory, so each provider's plugin folder
 * carries its own copy without a duplicate provider type.
 */
module io.heimdall.provider.gemini.wire {
    requires io.heimdall.api;
    requires transitive com.fasterxml.jackson.databind;

    exports io.heimdall.provider.gemini.wire;
}
