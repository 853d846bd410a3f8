/**
 * Provider type {@code local-embeddings}: the quantized all-MiniLM-L6-v2 sentence-embedding model (384 dimensions),
 * run in process with ONNX Runtime, for {@code POST /v1/embeddings}. The model and its tokenizer come inside the
 * plugin folder's jars: nothing is downloaded at run time and no outbound connection is made (DJL's usage tracking is
 * switched off before the tokenizer loads). Exports nothing: the core finds the factory through {@code provides}.
 */
module io.heimdall.provider.localembeddings {
    requires io.heimdall.api;
    requires io.heimdall.minilm;

    provides io.heimdall.api.provider.ProviderFactory
            with io.heimdall.provider.localembeddings.LocalEmbeddingsProviderFactory;
}
