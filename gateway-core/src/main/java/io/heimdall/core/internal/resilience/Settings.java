package io.heimdall.core.internal.resilience;

/** Validation shared by the settings records. */
final class Settings {
    private Settings() {
    }

    static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }

    static void positive(java.time.Duration d, String message) {
        require(d != null && !d.isNegative() && !d.isZero(), message);
    }
}
