package io.heimdall.api.plugin;

import java.util.Objects;

/**
 * A secret value such as an API key. {@link #toString()} never shows it: only {@link #reveal()} does, at the moment it
 * is put on the wire. Equality compares the values in constant time.
 */
public final class Secret {
    private final String value;

    private Secret(String value) {
        this.value = Objects.requireNonNull(value, "value");
    }

    /** Wraps a secret value. */
    public static Secret of(String value) {
        return new Secret(value);
    }

    /** The secret value. Call only to put it on the wire. */
    public String reveal() {
        return value;
    }

    /** Whether the value is empty. */
    public boolean isEmpty() {
        return value.isEmpty();
    }

    /** A masked form safe for logs: the last 4 characters of long secrets, else nothing. */
    public String masked() {
        return value.length() >= 20 ? "****" + value.substring(value.length() - 4) : "****";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Secret s && java.security.MessageDigest.isEqual(
                s.value.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                value.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }

    @Override
    public String toString() {
        return masked();
    }
}
