package io.heimdall.testkit;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One request being answered by {@link MockHandler}: how the handler waits (woken early when the client goes away or
 * the server stops), marks the answer as complete, and asks for an RST. Without connection tracking an exchange is
 * detached: it only ends when the server stops, and cannot reset.
 */
final class Exchange {
    private final Front.Conn conn;
    private final CountDownLatch over;
    private volatile boolean answered;

    private Exchange(Front.Conn conn, CountDownLatch over) {
        this.conn = conn;
        this.over = over;
    }

    /** An exchange on a tracked connection; ended by {@link #end()}. */
    static Exchange tracked(Front.Conn conn) {
        return new Exchange(conn, new CountDownLatch(1));
    }

    /** An exchange whose connection has already closed: over from the start. */
    static Exchange closed() {
        return new Exchange(null, new CountDownLatch(0));
    }

    /** An exchange on an untracked connection: it is over only when {@code stopped} is. */
    static Exchange detached(CountDownLatch stopped) {
        return new Exchange(null, stopped);
    }

    /** Marks the answer as complete: called just before its last bytes are written. */
    void answered() {
        answered = true;
    }

    boolean isAnswered() {
        return answered;
    }

    /** Wakes whoever waits in {@link #pause} or {@link #awaitOver}: the client left or the server stops. */
    void over() {
        over.countDown();
    }

    /**
     * Sleeps {@code nanos}; false if the exchange ended first (the client closed the connection or the server stops),
     * and then the handler should stop answering.
     */
    boolean pause(long nanos) {
        if (nanos <= 0) {
            return over.getCount() > 0;
        }
        try {
            return !over.await(nanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Blocks until the client closes the connection or the server stops. */
    void awaitOver() {
        try {
            over.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Makes the coming close of the connection an RST; false if the connection is not tracked. */
    boolean resetOnClose() {
        if (conn == null) {
            return false;
        }
        conn.resetOnClose();
        return true;
    }

    /** The request's handler is done with it. */
    void end() {
        if (conn != null) {
            conn.end(this);
        }
    }
}
