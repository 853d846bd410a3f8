package io.heimdall.provider.localembeddings;

import io.heimdall.api.GatewayException;
import io.heimdall.api.model.ChatRequest;
import io.heimdall.api.model.ChatResponse;
import io.heimdall.api.model.Embedding;
import io.heimdall.api.model.EmbeddingRequest;
import io.heimdall.api.model.EmbeddingResponse;
import io.heimdall.api.model.GatewayError;
import io.heimdall.api.model.ModelInfo;
import io.heimdall.api.model.Usage;
import io.heimdall.api.provider.Capability;
import io.heimdall.api.provider.ChunkSink;
import io.heimdall.api.provider.Provider;
import io.heimdall.api.provider.ProviderCall;
import io.heimdall.minilm.MiniLmEncoder;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Embeddings from the bundled all-MiniLM-L6-v2 model, computed on the request's thread. Chat is not offered. The
 * model is loaded on the first request, not at config load.
 */
final class LocalEmbeddingsProvider implements Provider {
    private static final Set<Capability> CAPABILITIES = Set.of(Capability.EMBEDDINGS, Capability.MODEL_LISTING);
    private static final long CREATED = 1_700_000_000L;

    private final List<String> models;

    LocalEmbeddingsProvider(List<String> models) {
        this.models = List.copyOf(models);
    }

    @Override
    public ChatResponse chat(ChatRequest request, ProviderCall call) {
        throw GatewayException.unsupported(call.provider(), "chat");
    }

    @Override
    public void stream(ChatRequest request, ProviderCall call, ChunkSink sink) {
        throw GatewayException.unsupported(call.provider(), "chat");
    }

    @Override
    public EmbeddingResponse embed(EmbeddingRequest request, ProviderCall call) {
        if (!models.contains(request.model())) {
            throw new GatewayException(GatewayError.modelNotFound(call.provider() + "/" + request.model()));
        }
        if (request.dimensions().isPresent() && request.dimensions().get() != MiniLm.DIMENSIONS) {
            throw GatewayException.badRequest("Model '" + request.model() + "' has " + MiniLm.DIMENSIONS
                    + " dimensions; 'dimensions' cannot change that", "dimensions");
        }
        List<MiniLmEncoder.Vector> vectors = MiniLm.embed(request.input());
        List<Embedding> data = new ArrayList<>(vectors.size());
        long tokens = 0;
        for (int i = 0; i < vectors.size(); i++) {
            data.add(new Embedding(i, vectors.get(i).values()));
            tokens += vectors.get(i).tokens();
        }
        return new EmbeddingResponse(request.model(), data, Usage.of(tokens, 0));
    }

    @Override
    public List<ModelInfo> listModels(ProviderCall call) {
        List<ModelInfo> out = new ArrayList<>(models.size());
        for (String m : models) {
            out.add(new ModelInfo(m, CREATED, call.provider()));
        }
        return out;
    }

    @Override
    public Set<Capability> capabilities() {
        return CAPABILITIES;
    }
}
