package io.heimdall.testkit.internal;

import java.util.ArrayList;
import java.util.List;

/** What the mock needs from an embeddings request. */
public final class EmbeddingInfo {
    /** The model. */
    public String model;
    /** The input texts; token arrays are turned into their numbers joined by spaces. */
    public final List<String> inputs = new ArrayList<>();
    /** Whether {@code input} was present. */
    public boolean sawInput;
    /** {@code encoding_format: base64}. */
    public boolean base64;
    /** The requested dimensions, or 0. */
    public int dimensions;

    /** The vector size: the requested one, else 3072 for {@code text-embedding-3-large}, else 1536. */
    public int effectiveDimensions() {
        if (dimensions > 0) {
            return dimensions;
        }
        return model != null && model.contains("3-large") ? 3072 : 1536;
    }
}
