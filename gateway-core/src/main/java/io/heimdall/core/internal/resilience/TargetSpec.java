package io.heimdall.core.internal.resilience;

import io.heimdall.api.plugin.Secret;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Objects;

/**
 * One live target as a config generation describes it, for {@link TargetHealthRegistry#reconcile}.
 *
 * @param provider    the configured provider's name
 * @param key         the key's id as in {@code Target.keyId()}; empty for a provider without keys
 * @param fingerprint changes when the key's value changes: {@link #fingerprint(Secret)}, never the value itself
 *                    (empty for a provider without keys)
 */
public record TargetSpec(String provider, String key, String fingerprint) {
    private static final byte[] SALT = new byte[16];

    static {
        new SecureRandom().nextBytes(SALT);
    }

    /** Checks that no field is null. */
    public TargetSpec {
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(fingerprint, "fingerprint");
    }

    /** A name for logs: {@code provider} or {@code provider[key]}. */
    public String label() {
        return label(provider, key);
    }

    static String label(String provider, String key) {
        return key.isEmpty() ? provider : provider + "[" + key + "]";
    }

    /**
     * A fingerprint of a key's value: 16 hex digits of a SHA-256 over a random per-process salt and the value, so it
     * reveals nothing about the key outside this process (and little inside). Equal values give equal fingerprints
     * within one process, which is all {@link TargetHealthRegistry#reconcile} needs.
     */
    public static String fingerprint(Secret secret) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(SALT);
            byte[] digest = sha.digest(secret.reveal().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }
}
