package io.heimdall.minilm;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The quantized all-MiniLM-L6-v2 model run directly on ONNX Runtime, one thread per call: the model and tokenizer
 * come from langchain4j's jar, the session is ours, with intra-op threads = 1 (the caller's thread does the work, so
 * concurrent requests each take one core instead of fighting over a shared pool), inter-op threads = 1, sequential
 * execution and every graph optimisation. A text is tokenised once (langchain4j tokenises it three times), and only
 * the last hidden state is fetched and mean-pooled into a unit vector, the same pooling langchain4j applies.
 * Texts longer than the model's 512 tokens (and empty ones) go to langchain4j's own model, loaded on first need, which
 * splits them into windows and averages them, so every text gets the vector it got before.
 *
 * <p>A library jar in each plugin folder that embeds text (local-embeddings, semantic-cache): each folder is its own
 * plugin layer with its own copy of this class and of the model, so each works without the other.
 */
public final class MiniLmEncoder {
    /** The model's identity: part of a vector's meaning. */
    public static final String MODEL_ID = "all-minilm-l6-v2-q";
    /** Vector size. */
    public static final int DIMENSIONS = 384;
    /** The model's sequence limit, special tokens included. */
    public static final int MAX_TOKENS = 512;
    private static final String MODEL = "all-minilm-l6-v2-q.onnx";
    private static final String TOKENIZER = "all-minilm-l6-v2-q-tokenizer.json";

    private final OrtEnvironment env;
    private final OrtSession session;
    private final HuggingFaceTokenizer tokenizer;
    private final boolean tokenTypes;
    private final Set<String> output;
    private volatile AllMiniLmL6V2QuantizedEmbeddingModel longTexts;

    /**
     * One text's embedding.
     *
     * @param values the L2-normalised vector (384 values)
     * @param tokens the text's token count, without the two special tokens (as langchain4j counts)
     */
    public record Vector(float[] values, int tokens) {
    }

    private MiniLmEncoder(OrtEnvironment env, OrtSession session, HuggingFaceTokenizer tokenizer) throws OrtException {
        this.env = env;
        this.session = session;
        this.tokenizer = tokenizer;
        this.tokenTypes = session.getInputNames().contains("token_type_ids");
        this.output = Set.of(session.getOutputNames().iterator().next());
    }

    /**
     * Loads the model and tokenizer (about a second), offline: DJL's usage tracking and downloads are switched off
     * first (its tokenizer otherwise calls the EC2 metadata address and an S3 telemetry URL when it loads), and
     * langchain4j and DJL read the model through the thread's context class loader, made this layer's loader for the
     * call. DJL extracts the tokenizer's native library to one path per version, and a native library can be loaded by
     * one class loader only: each plugin layer gets its own folder, {@code <tmp>/heimdall-djl/<folder>}; the lock (an
     * interned string, the same object in every layer) keeps two layers from swapping that property under each other.
     *
     * @param folder the plugin folder's name, naming the native library's extraction folder
     */
    public static MiniLmEncoder load(String folder) {
        System.setProperty("OPT_OUT_TRACKING", "true");
        System.setProperty("ai.djl.offline", "true");
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(MiniLmEncoder.class.getClassLoader());
        try {
            synchronized ("heimdall-djl-native-load".intern()) {
                String key = "ENGINE_CACHE_DIR";
                String before = System.getProperty(key);
                System.setProperty(key, java.nio.file.Path.of(System.getProperty("java.io.tmpdir"), "heimdall-djl",
                        folder).toString());
                try {
                    return loadModel();
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
    }

    private static MiniLmEncoder loadModel() {
        Module jar = AllMiniLmL6V2QuantizedEmbeddingModel.class.getModule();
        try (InputStream model = jar.getResourceAsStream(MODEL); InputStream tokens = jar.getResourceAsStream(TOKENIZER)) {
            if (model == null || tokens == null) {
                throw new IllegalStateException("the all-MiniLM-L6-v2 model is missing from " + jar);
            }
            OrtEnvironment env = OrtEnvironment.getEnvironment();
            OrtSession.SessionOptions options = new OrtSession.SessionOptions();
            options.setIntraOpNumThreads(1);
            options.setInterOpNumThreads(1);
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            OrtSession session = env.createSession(model.readAllBytes(), options);
            HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.newInstance(tokens, Map.of("padding", "false"));
            return new MiniLmEncoder(env, session, tokenizer);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (OrtException e) {
            throw new IllegalStateException("cannot load the all-MiniLM-L6-v2 model", e);
        }
    }

    /** The text's embedding, computed on the calling thread. */
    public Vector embed(String text) {
        Encoding encoding = tokenizer.encode(text, true, false);
        long[] ids = encoding.getIds();
        if (ids.length > MAX_TOKENS || ids.length <= 2) {
            return viaLangchain4j(text);
        }
        long[] shape = {1, ids.length};
        Map<String, OnnxTensor> inputs = new HashMap<>(4);
        try {
            inputs.put("input_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(ids), shape));
            inputs.put("attention_mask", OnnxTensor.createTensor(env, LongBuffer.wrap(encoding.getAttentionMask()),
                    shape));
            if (tokenTypes) {
                inputs.put("token_type_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(encoding.getTypeIds()),
                        shape));
            }
            try (OrtSession.Result result = session.run(inputs, output)) {
                FloatBuffer hidden = ((OnnxTensor) result.get(0)).getFloatBuffer();
                return new Vector(meanPool(hidden, ids.length), ids.length - 2);
            }
        } catch (OrtException e) {
            throw new IllegalStateException("embedding failed", e);
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
    }

    /** The mean of {@code tokens} rows of the hidden state, L2-normalised. */
    private static float[] meanPool(FloatBuffer hidden, int tokens) {
        int dim = hidden.remaining() / tokens;
        float[] sum = new float[dim];
        for (int t = 0; t < tokens; t++) {
            int row = t * dim;
            for (int i = 0; i < dim; i++) {
                sum[i] += hidden.get(row + i);
            }
        }
        double norm = 0;
        for (int i = 0; i < dim; i++) {
            sum[i] /= tokens;
            norm += sum[i] * sum[i];
        }
        norm = Math.sqrt(norm);
        if (norm > 0) {
            for (int i = 0; i < dim; i++) {
                sum[i] = (float) (sum[i] / norm);
            }
        }
        return sum;
    }

    private Vector viaLangchain4j(String text) {
        AllMiniLmL6V2QuantizedEmbeddingModel m = longTexts;
        if (m == null) {
            synchronized (this) {
                m = longTexts;
                if (m == null) {
                    Thread thread = Thread.currentThread();
                    ClassLoader previous = thread.getContextClassLoader();
                    thread.setContextClassLoader(MiniLmEncoder.class.getClassLoader());
                    try {
                        m = new AllMiniLmL6V2QuantizedEmbeddingModel(Runnable::run);
                    } finally {
                        thread.setContextClassLoader(previous);
                    }
                    longTexts = m;
                }
            }
        }
        var r = m.embed(TextSegment.from(text));
        Integer tokens = r.tokenUsage() == null ? null : r.tokenUsage().inputTokenCount();
        return new Vector(r.content().vector(), tokens == null ? 0 : tokens);
    }
}
