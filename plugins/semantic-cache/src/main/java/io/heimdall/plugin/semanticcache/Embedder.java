package io.heimdall.plugin.semanticcache;

import io.heimdall.api.RequestContext;
import io.heimdall.api.model.EmbeddingRequest;
import io.heimdall.api.model.EmbeddingResponse;
import io.heimdall.api.plugin.GatewayClient;
import io.heimdall.minilm.MiniLmEncoder;

import java.util.List;

/**
 * Turns a prompt into a unit vector: either through the gateway (a child request to the configured {@code embedder}
 * model, so any embedding provider works), or with the all-MiniLM-L6-v2 model bundled in this plugin's folder when
 * none is configured. {@link #id()} names the model; vectors of different ids are never compared.
 */
sealed interface Embedder permits Embedder.Local, Embedder.Remote {
    /** The embedding model's identity, part of the index's location. */
    String id();

    /** The prompt's embedding, L2-normalised. */
    float[] embed(String text, RequestContext ctx);

    /** The embedder for the settings. */
    static Embedder of(Settings s, GatewayClient gateway) {
        return s.embedder().<Embedder>map(m -> new Remote(m, gateway)).orElseGet(Local::new);
    }

    /** Scales a vector to length 1 (in place) and returns it. */
    static float[] normalise(float[] v) {
        double sum = 0;
        for (float f : v) {
            sum += f * f;
        }
        double norm = Math.sqrt(sum);
        if (norm > 0) {
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (v[i] / norm);
            }
        }
        return v;
    }

    /** A model reached through the gateway as a child request. */
    record Remote(String model, GatewayClient gateway) implements Embedder {
        @Override
        public String id() {
            return "gateway:" + model;
        }

        @Override
        public float[] embed(String text, RequestContext ctx) {
            EmbeddingResponse r = gateway.embed(EmbeddingRequest.of(model, List.of(text)), ctx);
            if (r.data().isEmpty()) {
                throw new IllegalStateException("embedder " + model + " returned no vector");
            }
            return normalise(r.data().getFirst().vector().clone());
        }
    }

    /**
     * The quantized all-MiniLM-L6-v2 model in this plugin's own layer, loaded on first use. DJL's usage tracking and
     * downloads are switched off before its tokenizer loads, so nothing leaves the machine. Run by {@link MiniLmEncoder}
     * (ONNX Runtime on the caller's thread).
     */
    final class Local implements Embedder {
        private static volatile MiniLmEncoder model;

        @Override
        public String id() {
            return "local:all-minilm-l6-v2-q";
        }

        @Override
        public float[] embed(String text, RequestContext ctx) {
            return normalise(model().embed(text).values());
        }

        static MiniLmEncoder model() {
            MiniLmEncoder m = model;
            if (m == null) {
                synchronized (Local.class) {
                    m = model;
                    if (m == null) {
                        m = MiniLmEncoder.load("semantic-cache");
                        model = m;
                    }
                }
            }
            return m;
        }
    }
}
