package io.heimdall.api.model;

import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * One embedding vector.
 *
 * <p>An upstream's float array is decoded to {@code float}s, which would change the digits when encoded again (an
 * upstream writing {@code -0.006929283495992422} would get {@code -0.0069292835} back). So the codec also keeps the
 * array's JSON text in {@code vectorJson} and writes it back verbatim when a client asks for floats. Code that builds
 * a new vector leaves {@code vectorJson} empty; it must never describe other numbers than {@code vector}.
 *
 * @param index      the position of its input
 * @param vector     the vector; treat as read-only
 * @param vectorJson the vector as the JSON array text the upstream sent, if it sent one
 */
public record Embedding(int index, float[] vector, Optional<RawJson> vectorJson) {
    /** Validates the vector. */
    public Embedding {
        Objects.requireNonNull(vector, "vector");
        vectorJson = Values.opt(vectorJson);
    }

    /** An embedding built from floats. */
    public Embedding(int index, float[] vector) {
        this(index, vector, Optional.empty());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Embedding e && e.index == index && Arrays.equals(e.vector, vector)
                && e.vectorJson.equals(vectorJson);
    }

    @Override
    public int hashCode() {
        return 31 * index + Arrays.hashCode(vector);
    }

    @Override
    public String toString() {
        return "Embedding[index=" + index + ", dimensions=" + vector.length + "]";
    }
}
