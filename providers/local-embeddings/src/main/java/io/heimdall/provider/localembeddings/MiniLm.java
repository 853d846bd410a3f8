package io.heimdall.provider.localembeddings;

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
    static final String MODEL_ID = "all-minilm-l6-v2-q";
    /** Vector size. */
    static final int DIMENSIONS = 384;

    private static volatile MiniLmEncoder model;

    private MiniLm() {
    }

    /**
     * Switches off DJL's usage tracking and downloads. DJL's tokenizer otherwise calls the EC2 metadata address
     * (169.254.169.254) and an S3 telemetry URL when it loads; both properties must be set before its classes run.
     */
    static void offline() {
        System.setProperty("OPT_OUT_TRACKING", "true");
        System.setProperty("ai.djl.offline", "true");
    }

    /** The model, loading it on first use (about a second). */
    static MiniLmEncoder model() {
        MiniLmEncoder m = model;
        if (m == null) {
            synchronized (MiniLm.class) {
                m = model;
                if (m == null) {
                    offline();
                    // langchain4j reads the model and tokenizer through the thread's context class loader: make it
                    // this plugin layer's loader (a request thread's is the application class loader).
                    Thread thread = Thread.currentThread();
                    ClassLoader previous = thread.getContextClassLoader();
                    thread.setContextClassLoader(MiniLm.class.getClassLoader());
                    try {
                        // DJL extracts the tokenizer's native library to one path per version, and a native library can be
                        // loaded by one class loader only: each plugin layer gets its own folder. The lock (an interned string,
                        // the same object in every layer) keeps two layers from swapping the property under each other.
                        synchronized ("heimdall-djl-native-load".intern()) {
                            String key = "ENGINE_CACHE_DIR";
                            String before = System.getProperty(key);
                            System.setProperty(key, java.nio.file.Path.of(System.getProperty("java.io.tmpdir"), "heimdall-djl",
                                    "local-embeddings").toString());
                            try {
                                m = MiniLmEncoder.load();
                            } finally {
                                if (before == null) {
                                    System.clearProperty(key);
                                } else {
                                    System.setProperty(key, before);
                                }
                            }
                        }
                    } finally {
                        thread.setContextClassLoader(previous);
                    }
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
