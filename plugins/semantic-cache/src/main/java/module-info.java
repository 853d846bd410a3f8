/**
 * Plugin {@code semantic-cache}: a response cache with an exact tier (a canonical hash of the normalised request) and
 * a semantic tier (a k-NN search in a Lucene HNSW index of prompt embeddings, guarded against near-misses), persisted
 * under a directory, with admin routes. Lucene, ONNX Runtime and the bundled embedding model live in the plugin's own
 * folder. Exports nothing: the core finds the factory through {@code provides}.
 */
module io.heimdall.plugin.semanticcache {
    requires io.heimdall.api;
    requires com.fasterxml.jackson.databind;
    requires org.apache.lucene.core;
    requires io.heimdall.minilm;

    provides io.heimdall.api.plugin.PluginFactory with io.heimdall.plugin.semanticcache.SemanticCacheFactory;
}
