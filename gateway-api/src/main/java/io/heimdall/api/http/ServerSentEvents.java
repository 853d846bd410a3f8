package io.heimdall.api.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

/**
 * Reads a {@code text/event-stream} body event by event, as the HTML Living Standard defines it: lines ended by CRLF,
 * LF or CR, a leading byte-order mark dropped, {@code event:} and {@code data:} fields, multi-line data joined with
 * newlines, comments and {@code id}/{@code retry} fields skipped, an event dispatched at a blank line (and a last one
 * at the end of the stream). It reads the stream's bytes itself, never past the blank line that ends the event it
 * returns unless they had already arrived: {@link #nextBytes} hands an event's data on as the bytes that came (an
 * array of the caller's), {@link #advance} shows them in an array of the reader's ({@link #view()}, for a relay that
 * keeps nothing), and {@link #next} decodes them (UTF-8). An event over {@value #MAX_EVENT_BYTES} bytes fails the read
 * ({@link EventTooLargeException}). Not thread-safe; one reader per stream.
 */
public final class ServerSentEvents implements AutoCloseable {
    /** The most bytes one event (a line, or an event's data) may take: a stream sending more is refused. */
    public static final int MAX_EVENT_BYTES = 16 * 1024 * 1024;
    private static final byte[] NONE = new byte[0];
    /** A stream's first buffer: upstreams send an event or a few per chunk, and a read returns at most one chunk. */
    private static final int INITIAL = 2048;
    /** A buffer grown past this for one long event is given up after it. */
    private static final int LARGE = 65_536;
    private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    private final InputStream in;
    private byte[] buffer = new byte[INITIAL];
    private int pos;
    private int limit;
    private boolean ended;
    private boolean started;
    /** The last line ended with a CR: a LF right after it belongs to that line end. */
    private boolean skipLf;
    /** The current event's data, its lines joined with LFs: {@code joined[0, joinedLength)}. */
    private byte[] joined = NONE;
    private int joinedLength;
    private final EventView view = new EventView();

    /** Reads events from a UTF-8 stream. */
    public ServerSentEvents(InputStream in) {
        this.in = in;
    }

    /**
     * One event.
     *
     * @param event the event name, {@code message} when none was given
     * @param data  the data, lines joined by {@code \n}
     */
    public record Event(String event, String data) {
    }

    /**
     * One event with its data as the bytes that came (UTF-8, lines joined by {@code \n}).
     *
     * @param event the event name, {@code message} when none was given
     * @param data  the data's bytes: a new array for each event, the caller's to keep
     */
    public record EventBytes(String event, byte[] data) {
        /** The data as text. */
        public String text() {
            return new String(data, StandardCharsets.UTF_8);
        }

        /** Whether the data is empty or only whitespace. */
        public boolean isBlank() {
            return ServerSentEvents.isBlank(data, data.length);
        }

        /** Whether the data is {@code ascii} with nothing around it but whitespace (OpenAI's {@code [DONE]}). */
        public boolean is(String ascii) {
            return ServerSentEvents.is(data, data.length, ascii);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof EventBytes e && event.equals(e.event) && Arrays.equals(data, e.data);
        }

        @Override
        public int hashCode() {
            return 31 * event.hashCode() + Arrays.hashCode(data);
        }

        @Override
        public String toString() {
            return "EventBytes[event=" + event + ", data=" + text() + "]";
        }
    }

    /** The read failed because one event was longer than {@link #MAX_EVENT_BYTES}. */
    public static final class EventTooLargeException extends IOException {
        EventTooLargeException() {
            super("an event-stream event longer than " + MAX_EVENT_BYTES + " bytes");
        }
    }

    /** The next event, or empty at the end of the stream. */
    public Optional<Event> next() {
        return nextBytes().map(e -> new Event(e.event(), e.text()));
    }

    /** The next event with its data as bytes, or empty at the end of the stream. */
    public Optional<EventBytes> nextBytes() {
        return advance() ? Optional.of(new EventBytes(view.event(), Arrays.copyOf(joined, joinedLength)))
                : Optional.empty();
    }

    /**
     * Reads the next event into this reader's own array, for a caller that hands the data on at once and keeps none
     * of it: no array per event. True when there was one; {@link #view()} then shows it until the next read.
     */
    public boolean advance() {
        // the last event's buffers are the caller's until now: one long event does not keep them for the rest
        if (joined.length > LARGE) {
            joined = NONE;
        }
        if (buffer.length > LARGE && limit - pos <= INITIAL) {
            byte[] smaller = new byte[INITIAL];
            System.arraycopy(buffer, pos, smaller, 0, limit - pos);
            limit -= pos;
            pos = 0;
            buffer = smaller;
        }
        String event = null;
        boolean data = false;
        joinedLength = 0;
        try {
            while (true) {
                int end = lineEnd();
                if (end < 0) {
                    break;
                }
                int start = pos;
                pos = end;
                consumeLineBreak();
                if (end == start) {
                    if (data) {
                        return view.show(event);
                    }
                    event = null;
                    continue;
                }
                byte[] b = buffer;
                if (b[start] == ':') {
                    continue;
                }
                int colon = indexOf(b, start, end, (byte) ':');
                int nameEnd = colon < 0 ? end : colon;
                int valueAt = colon < 0 ? end : colon + 1 < end && b[colon + 1] == ' ' ? colon + 2 : colon + 1;
                int nameLength = nameEnd - start;
                if (nameLength == 4 && b[start] == 'd' && b[start + 1] == 'a' && b[start + 2] == 't'
                        && b[start + 3] == 'a') {
                    join(data, b, valueAt, end);
                    data = true;
                } else if (nameLength == 5 && b[start] == 'e' && b[start + 1] == 'v' && b[start + 2] == 'e'
                        && b[start + 3] == 'n' && b[start + 4] == 't') {
                    event = new String(b, valueAt, end - valueAt, StandardCharsets.UTF_8);
                }
                // id, retry and unknown fields are not needed by providers
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return data && view.show(event);
    }

    /** The event the last {@link #advance()} read; its data is this reader's, valid until the next read. */
    public EventView view() {
        return view;
    }

    /**
     * The event {@link #advance()} read last: its name and its data (UTF-8, lines joined by {@code \n}) as
     * {@code array()[0, length())}, an array of the reader's that the next read overwrites. One per reader.
     */
    public final class EventView {
        private String event = "message";

        private EventView() {
        }

        private boolean show(String name) {
            event = name == null ? "message" : name;
            return true;
        }

        /** The event name, {@code message} when none was given. */
        public String event() {
            return event;
        }

        /** The array holding the data from index 0; read it before the next read, keep none of it. */
        public byte[] array() {
            return joined;
        }

        /** The data's length in bytes. */
        public int length() {
            return joinedLength;
        }

        /** The data as text. */
        public String text() {
            return new String(joined, 0, joinedLength, StandardCharsets.UTF_8);
        }

        /** Whether the data is empty or only whitespace. */
        public boolean isBlank() {
            return ServerSentEvents.isBlank(joined, joinedLength);
        }

        /** Whether the data is {@code ascii} with nothing around it but whitespace (OpenAI's {@code [DONE]}). */
        public boolean is(String ascii) {
            return ServerSentEvents.is(joined, joinedLength, ascii);
        }

        @Override
        public String toString() {
            return "EventView[event=" + event + ", data=" + text() + "]";
        }
    }

    /** Appends a data line: the first starts {@code joined}, each later one follows a LF. */
    private void join(boolean more, byte[] b, int from, int to) throws EventTooLargeException {
        int length = to - from;
        if (joinedLength + 1L + length > MAX_EVENT_BYTES) {
            throw new EventTooLargeException();
        }
        if (more) {
            joined = room(joined, joinedLength, 1 + length);
            joined[joinedLength++] = '\n';
        } else if (joined.length < length) {
            joined = new byte[Math.max(length, 256)];
        }
        System.arraycopy(b, from, joined, joinedLength, length);
        joinedLength += length;
    }

    private static byte[] room(byte[] array, int used, int more) {
        int need = used + more;
        return need <= array.length ? array : Arrays.copyOf(array, Math.max(need, Math.max(256, array.length * 2)));
    }

    /**
     * Where the line that starts at {@code pos} ends (the index of its CR or LF, or the end of the stream's bytes when
     * the stream ends without one), reading more as needed; -1 when the stream has ended and no bytes are left.
     */
    private int lineEnd() throws IOException {
        int scanned = pos;
        while (true) {
            if (skipLf && pos < limit) {
                skipLf = false;
                if (buffer[pos] == '\n') {
                    pos++;
                    scanned = pos;
                }
            }
            for (int i = scanned; i < limit; i++) {
                byte c = buffer[i];
                if (c == '\n' || c == '\r') {
                    return i;
                }
            }
            if (ended) {
                skipLf = false;
                return pos < limit ? limit : -1;
            }
            scanned = limit - pos; // where the scan goes on once fill has moved the unread bytes to the start
            fill();
        }
    }

    /** Moves the unread bytes to the buffer's start (growing it when they fill it) and reads what is there. */
    private void fill() throws IOException {
        int kept = limit - pos;
        if (pos > 0) {
            System.arraycopy(buffer, pos, buffer, 0, kept);
            pos = 0;
            limit = kept;
        }
        if (limit == buffer.length) {
            if (buffer.length >= MAX_EVENT_BYTES) {
                throw new EventTooLargeException();
            }
            buffer = Arrays.copyOf(buffer, Math.min(MAX_EVENT_BYTES, buffer.length * 2));
        }
        int n = in.read(buffer, limit, buffer.length - limit);
        if (n < 0) {
            ended = true;
            return;
        }
        limit += n;
        if (!started) {
            // the stream's first bytes: a byte-order mark is dropped, even one that arrives in pieces
            int bom = 0;
            while (bom < Math.min(3, limit) && buffer[bom] == BOM[bom]) {
                bom++;
            }
            if (bom == 3) {
                pos = 3;
            }
            started = bom == 3 || bom < limit;
        }
    }

    /** Steps over the line break at {@code pos}: a LF, or a CR and the LF that may follow it (now or in a later read). */
    private void consumeLineBreak() {
        if (pos >= limit) {
            return; // the last line, ended by the stream's end
        }
        if (buffer[pos++] == '\r') {
            if (pos < limit) {
                if (buffer[pos] == '\n') {
                    pos++;
                }
            } else {
                skipLf = true;
            }
        }
    }

    private static int indexOf(byte[] b, int from, int to, byte wanted) {
        for (int i = from; i < to; i++) {
            if (b[i] == wanted) {
                return i;
            }
        }
        return -1;
    }

    private static boolean isBlank(byte[] data, int length) {
        for (int i = 0; i < length; i++) {
            if (!isSpace(data[i])) {
                return false;
            }
        }
        return true;
    }

    private static boolean is(byte[] data, int length, String ascii) {
        int from = 0;
        int to = length;
        while (from < to && isSpace(data[from])) {
            from++;
        }
        while (to > from && isSpace(data[to - 1])) {
            to--;
        }
        if (to - from != ascii.length()) {
            return false;
        }
        for (int i = 0; i < ascii.length(); i++) {
            if (data[from + i] != ascii.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Whitespace as {@link String#isBlank} sees it, for the ASCII range. */
    private static boolean isSpace(byte b) {
        return b == ' ' || b >= '\t' && b <= '\r' || b >= 0x1C && b <= 0x1F;
    }

    @Override
    public void close() {
        try {
            in.close();
        } catch (IOException ignored) {
            // closing a finished stream
        }
    }
}
