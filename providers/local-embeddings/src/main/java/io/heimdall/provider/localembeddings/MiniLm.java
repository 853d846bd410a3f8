package io.heimdall.provider.localembeddings;

import io.heimdall.minilm.MiniLmEncoder;

import java.util.ArrayList;
import java.util.List;

/**
 * The quantized all-MiniLM-L6-v2 model, loaded once per plugin layer on first use (model and tokenizer from the jar on
 * the module path, ONNX Runtime's native library extracted by ONNX Runtime itself to a temporary folder), run by
 * {@link MiniLmEncoder}. Vectors are
 * L2-normalised, so a dot product is the cosine similarity.
 */
final class MiniLm {
    /** The model's identity: part of a vector's meaning. */
    static final String MODEL_ID = MiniLmEncoder.MODEL_ID;
    /** Vector size. */
    static final int DIMENSIONS = MiniLmEncoder.DIMENSIONS;

    private static volatile MiniLmEncoder model;

    private MiniLm() {
    }

    /** The model, loading it on first use (about a second; see {@link MiniLmEncoder#load}). */
    static MiniLmEncoder model() {
        MiniLmEncoder m = model;
        if (m == null) {
            synchronized (MiniLm.class) {
                m = model;
                if (m == null) {
                    m = MiniLmEncoder.load("local-embeddings");
                    model = m;
                }
            }
        }
        return m;
    }

    /** Embeds texts one by one on the calling thread, in order (one ONNX Runtime thread: the caller's). */
    static List<MiniLmEncoder.Vector> embed(List<String> texts) {
        MiniLmEncoder m = model();
        List<MiniLmEncoder.Vector> out = new ArrayList<>(texts.size());
        for (String text : texts) {
            out.add(m.embed(text.isEmpty() ? " " : text));
        }
        return out;
    }
}
