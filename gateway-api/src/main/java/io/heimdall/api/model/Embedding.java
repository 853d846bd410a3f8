package io.heimdall.api.model;

import java.util.Arrays;
import java.util.Objects;

/**
 * One embedding vector.
 *
 * @param index  the position of its input
 * @param vector the vector; treat as read-only
 */
public record Embedding(int index, float[] vector) {
    /** Validates the vector. */
    public Embedding {
        Objects.requireNonNull(vector, "vector");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Embedding e && e.index == index && Arrays.equals(e.vector, vector);
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
