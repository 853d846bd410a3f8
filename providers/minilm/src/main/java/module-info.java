/**
 * The quantized all-MiniLM-L6-v2 sentence-embedding model run in process on ONNX Runtime
 * ({@link io.heimdall.minilm.MiniLmEncoder}). A library, not a plugin: its jar sits in each plugin folder that embeds
 * text (local-embeddings, semantic-cache), so each folder works without the other.
 */
module io.heimdall.minilm {
    // transitive: a reader may compare with (or fall back to) langchain4j's own model of the same weights
    requires transitive langchain4j.core;
    requires langchain4j.embeddings;
    requires transitive langchain4j.embeddings.all.minilm.l6.v2.q;
    requires com.microsoft.onnxruntime;
    requires ai.djl.tokenizers;

    exports io.heimdall.minilm;
}
