package io.heimdall.plugin.accesslog;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Lines formatted on the request path and waiting for the writer thread, as bytes, in a few slots: each slot has two
 * buffers, one filled by requests and one being written, swapped by {@link #take}. A request takes the first slot
 * whose lock is free (tried in order without waiting; it waits only when every slot is busy) and formats its line
 * straight into that slot's buffer: no lock shared by all requests, no copy. Sequential requests all land in the first
 * slot, so their lines keep their order; requests that end together may land in different slots, and the writer
 * writes slot after slot.
 * Waiting lines are byte arrays rather than objects, so a young collection has nothing of them to trace or copy: the
 * queued entries of an earlier design (a few thousand small objects between two writes) doubled the gateway's
 * young-collection time.
 */
final class LineBuffer {
    private static final int SLOTS = 4;
    private final Slot[] slots = new Slot[SLOTS];
    private final Lines[] taken = new Lines[SLOTS];
    private final AtomicInteger waiting = new AtomicInteger();
    private final int maxLines;

    /** One slot: its lock, the buffer requests fill and the one the writer holds. */
    private static final class Slot {
        final ReentrantLock lock = new ReentrantLock();
        Lines filling = new Lines();
        Lines spare = new Lines();
    }

    /** A buffer that holds at most {@code maxLines} lines between two {@link #take}s. */
    LineBuffer(int maxLines) {
        this.maxLines = maxLines;
        for (int i = 0; i < SLOTS; i++) {
            slots[i] = new Slot();
        }
    }

    /**
     * Formats the entry as one line at the end of a filling buffer; false (nothing added) when {@code maxLines} lines
     * already wait.
     */
    boolean append(AccessLogEntry entry) {
        if (waiting.incrementAndGet() > maxLines) {
            waiting.decrementAndGet();
            return false;
        }
        Slot slot = null;
        for (Slot s : slots) {
            if (s.lock.tryLock()) {
                slot = s;
                break;
            }
        }
        if (slot == null) {
            slot = slots[ThreadLocalRandom.current().nextInt(SLOTS)];
            slot.lock.lock();
        }
        try {
            slot.filling.add(entry);
            return true;
        } catch (RuntimeException e) {
            waiting.decrementAndGet();
            throw e;
        } finally {
            slot.lock.unlock();
        }
    }

    /**
     * The filled buffers, one per slot, swapped for the empty ones. For the one writer thread only: it writes their
     * lines and calls {@link Lines#clear} on each before its next call.
     */
    Lines[] take() {
        int lines = 0;
        for (int i = 0; i < SLOTS; i++) {
            Slot s = slots[i];
            s.lock.lock();
            try {
                Lines full = s.filling;
                s.filling = s.spare;
                s.spare = full;
                taken[i] = full;
                lines += full.lines;
            } finally {
                s.lock.unlock();
            }
        }
        waiting.addAndGet(-lines);
        return taken;
    }

    /** JSON lines in one reused byte buffer, formatted by one reused generator, with where each line ends. */
    static final class Lines extends ByteArrayOutputStream {
        private static final JsonFactory JSON = new JsonFactory();
        private final AccessLogEntry.LogTime time = new AccessLogEntry.LogTime();
        private JsonGenerator generator;
        private int[] ends = new int[256];
        private int lines;

        Lines() {
            super(16 * 1024);
            generator = newGenerator();
        }

        private JsonGenerator newGenerator() {
            try {
                JsonGenerator g = JSON.createGenerator(this, JsonEncoding.UTF8);
                g.setRootValueSeparator(null);
                return g;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** Appends the entry's line, newline included; on failure the buffer is as it was before. */
        void add(AccessLogEntry entry) {
            int start = count;
            try {
                entry.writeTo(generator, time);
                generator.flush();
            } catch (IOException | RuntimeException e) {
                count = start; // drop the partial line; the generator may be mid-object
                generator = newGenerator();
                throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
            }
            write('\n');
            if (lines == ends.length) {
                ends = Arrays.copyOf(ends, lines * 2);
            }
            ends[lines++] = count;
        }

        /** How many lines it holds. */
        int lines() {
            return lines;
        }

        /** Where line {@code i} starts in {@link #bytes()}. */
        int start(int i) {
            return i == 0 ? 0 : ends[i - 1];
        }

        /** Where line {@code i} ends (after its newline) in {@link #bytes()}. */
        int end(int i) {
            return ends[i];
        }

        /** The buffer itself, not a copy. */
        byte[] bytes() {
            return buf;
        }

        /** Empties it, keeping its capacity up to 1 MiB (a burst's larger buffer is let go). */
        void clear() {
            reset();
            lines = 0;
            if (buf.length > 1024 * 1024) {
                buf = new byte[16 * 1024];
            }
        }
    }
}
