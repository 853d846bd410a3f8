package io.heimdall.core.internal.resilience;

/**
 * A slot held in a {@link Bulkhead} or an {@link InFlightLimit}, released by {@link #close()}: use it in a
 * try-with-resources block. Closing twice releases once.
 */
public interface Permit extends AutoCloseable {
    /** Releases the slot; later calls do nothing. */
    @Override
    void close();
}
