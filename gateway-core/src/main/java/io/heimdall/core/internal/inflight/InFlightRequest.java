package io.heimdall.core.internal.inflight;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One admitted request, watched until {@link #close()}. The watchdog cancels it at most once, by recording a
 * {@link CancelReason} and then interrupting its thread; see {@link InFlightRequests} for what the thread then sees.
 *
 * <p>Close it on the registered thread, as soon as the work it guards is over and before writing an error response
 * to the client (try-with-resources does this): {@code close()} guarantees that the watchdog will not interrupt the
 * thread afterwards, and clears the interrupt it delivered if it did, so the thread can still write to the client and
 * serve the connection's next request.
 */
public final class InFlightRequest implements AutoCloseable {
    // ACTIVE -> DONE (closed first), or ACTIVE -> CANCELLING -> CANCELLED (the watchdog won; CANCELLING while it
    // is inside thread.interrupt(), which close() waits out).
    private static final int ACTIVE = 0;
    private static final int CANCELLING = 1;
    private static final int CANCELLED = 2;
    private static final int DONE = 3;

    private final InFlightRequests owner;
    private final Thread thread;
    private final Instant deadline;
    private final Optional<ClientConnection> connection;
    private final ConnKey key; // null without a connection
    private final long registeredNanos;
    private final AtomicInteger state = new AtomicInteger(ACTIVE);
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile CancelReason reason;

    // Touched only by the watchdog thread.
    boolean seen;
    int missingScans;
    int unseenScans;

    InFlightRequest(InFlightRequests owner, Thread thread, Instant deadline, Optional<ClientConnection> connection,
                    long registeredNanos) {
        this.owner = owner;
        this.thread = Objects.requireNonNull(thread, "thread");
        this.deadline = Objects.requireNonNull(deadline, "deadline");
        this.connection = connection;
        this.key = connection.map(ConnKey::of).orElse(null);
        this.registeredNanos = registeredNanos;
    }

    /**
     * Why the watchdog cancelled this request, if it did. Once present it stays present. A thread that was
     * interrupted by the watchdog always finds the reason here.
     */
    public Optional<CancelReason> cancelled() {
        return Optional.ofNullable(reason);
    }

    /** When the watchdog cancels this request with {@link CancelReason#DEADLINE}. */
    public Instant deadline() {
        return deadline;
    }

    /** The client connection watched for liveness, if one was given. */
    public Optional<ClientConnection> connection() {
        return connection;
    }

    /** The thread the watchdog interrupts on cancellation. */
    public Thread thread() {
        return thread;
    }

    /**
     * Stops watching the request and releases its admission slot. After it returns the watchdog never interrupts the
     * thread for this request; if it already did and this is the registered thread, the pending interrupt is cleared
     * (an interrupt from elsewhere that arrived at the same time is cleared with it). Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        int spins = 0;
        int s;
        while (true) {
            s = state.get();
            if (s == ACTIVE) {
                if (state.compareAndSet(ACTIVE, DONE)) {
                    break;
                }
            } else if (s == CANCELLING) {
                // The watchdog is inside thread.interrupt(): wait for it, so the interrupt cannot land after we clear.
                if (++spins < 200) {
                    Thread.onSpinWait();
                } else {
                    Thread.yield();
                }
            } else {
                break;
            }
        }
        if (s == CANCELLED && Thread.currentThread() == thread) {
            Thread.interrupted();
        }
        owner.deregister(this);
    }

    /**
     * Cancels the request unless it was closed or cancelled already: records the reason, then interrupts the thread.
     *
     * @return whether this call cancelled it
     */
    boolean cancel(CancelReason why) {
        if (!state.compareAndSet(ACTIVE, CANCELLING)) {
            return false;
        }
        reason = why;
        try {
            thread.interrupt();
        } finally {
            state.set(CANCELLED);
        }
        return true;
    }

    boolean active() {
        return state.get() == ACTIVE;
    }

    ConnKey key() {
        return key;
    }

    long registeredNanos() {
        return registeredNanos;
    }

    @Override
    public String toString() {
        return "InFlightRequest[" + connection.map(ClientConnection::toString).orElse("no connection")
                + ", deadline " + deadline + ", " + cancelled().map(CancelReason::name).orElse("active") + "]";
    }
}
