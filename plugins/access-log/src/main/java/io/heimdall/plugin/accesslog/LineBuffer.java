package io.heimdall.plugin.accesslog;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Lines formatted on the request path and waiting for the writer thread, as bytes: two buffers, one filled by
 * requests and one being written, swapped by {@link #take}. A request formats its line with one of a few formatters
 * (the first free one, tried without waiting) and holds the buffer's lock only to copy the bytes: formatting under
 * that lock made requests that ended together wait for each other, and a pool with a formatter per waiting request
 * kept none of them in the CPU's cache.
 * Waiting lines are byte arrays rather than objects, so a young collection has nothing of them to trace or copy: the
 * queued entries of the previous design (a few thousand small objects between two writes) doubled the gateway's
 * young-collection time.
 */
final class LineBuffer {
    private static final int FORMATTERS = 4; // a power of two
    private final ReentrantLock lock = new ReentrantLock();
    private final Lines[] formatters = new Lines[FORMATTERS];
    private final ReentrantLock[] formatterLocks = new ReentrantLock[FORMATTERS];
    private final int maxLines;
    private Lines filling = new Lines();
    private Lines spare = new Lines();

    /** A buffer that holds at most {@code maxLines} lines between two {@link #take}s. */
    LineBuffer(int maxLines) {
        this.maxLines = maxLines;
        for (int i = 0; i < FORMATTERS; i++) {
            formatters[i] = new Lines();
            formatterLocks[i] = new ReentrantLock();
        }
    }

    /**
     * Formats the entry as one line at the end of the filling buffer; false (nothing added) when it already holds
     * {@code maxLines} lines.
     */
    boolean append(AccessLogEntry entry) {
        int first = ThreadLocalRandom.current().nextInt(FORMATTERS);
        int slot = first;
        while (!formatterLocks[slot].tryLock()) {
            slot = (slot + 1) & (FORMATTERS - 1);
            if (slot == first) {
                formatterLocks[slot].lock();
                break;
            }
        }
        Lines formatter = formatters[slot];
        try {
            formatter.add(entry);
            lock.lock();
            try {
                if (filling.lines >= maxLines) {
                    return false;
                }
                filling.addLines(formatter);
                return true;
            } finally {
                lock.unlock();
            }
        } finally {
            formatter.clear();
            formatterLocks[slot].unlock();
        }
    }

    /**
     * The filled buffer, swapped for the empty one. For the one writer thread only: it writes the lines and calls
     * {@link Lines#clear} before its next call.
     */
    Lines take() {
        lock.lock();
        try {
            Lines full = filling;
            filling = spare;
            spare = full;
            return full;
        } finally {
            lock.unlock();
        }
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

        /** Appends every line of {@code other}. */
        void addLines(Lines other) {
            int base = count;
            write(other.buf, 0, other.count);
            if (lines + other.lines > ends.length) {
                ends = Arrays.copyOf(ends, Math.max(ends.length * 2, lines + other.lines));
            }
            for (int i = 0; i < other.lines; i++) {
                ends[lines++] = base + other.ends[i];
            }
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
