package io.heimdall.core.internal.server;

/**
 * Follows the framing of a chunked body (RFC 9112 section 7.1) without copying it: where it ends, or that it is
 * malformed. Used on request bodies (to know where the next request starts) and, with {@link #data}, to strip the
 * framing from a response for an HTTP/1.0 client.
 */
final class ChunkScanner {
    private static final int MAX_LINE = 4096;

    private enum State { SIZE, EXTENSION, SIZE_LF, DATA, DATA_CR, DATA_LF, TRAILER_START, TRAILER, END_LF, DONE, BROKEN }

    /** Receives the chunk data, without framing. */
    @FunctionalInterface
    interface Sink {
        void data(byte[] bytes, int offset, int length);
    }

    private static final Sink NONE = (b, o, l) -> {
    };

    private State state = State.SIZE;
    private long size;
    private int digits;
    private int lineLength;

    /** Whether the last chunk and trailer section have been seen. */
    boolean finished() {
        return state == State.DONE;
    }

    /** Whether the framing was invalid. */
    boolean broken() {
        return state == State.BROKEN;
    }

    /** Scans {@code b[from, to)}; returns the index after the last byte of the body (less than {@code to} if it ended). */
    int scan(byte[] b, int from, int to) {
        return scan(b, from, to, NONE);
    }

    /** Scans {@code b[from, to)}, passing chunk data to the sink; returns the index where the body ended or {@code to}. */
    int scan(byte[] b, int from, int to, Sink sink) {
        int i = from;
        while (i < to) {
            switch (state) {
                case DONE, BROKEN -> {
                    return i;
                }
                case DATA -> {
                    int n = (int) Math.min(size, to - i);
                    sink.data(b, i, n);
                    size -= n;
                    i += n;
                    if (size == 0) {
                        state = State.DATA_CR;
                    }
                    continue;
                }
                default -> {
                }
            }
            byte c = b[i++];
            state = next(c);
        }
        return i;
    }

    private State next(byte c) {
        return switch (state) {
            case SIZE -> {
                int d = Character.digit(c, 16);
                if (d >= 0 && digits < 15) {
                    size = size * 16 + d;
                    digits++;
                    yield State.SIZE;
                }
                if (digits == 0) {
                    yield State.BROKEN;
                }
                lineLength = 0;
                yield c == '\r' ? State.SIZE_LF : (c == ';' || c == ' ' || c == '\t') ? State.EXTENSION : State.BROKEN;
            }
            case EXTENSION -> c == '\r' ? State.SIZE_LF : ++lineLength > MAX_LINE || c == '\n' ? State.BROKEN
                    : State.EXTENSION;
            case SIZE_LF -> {
                if (c != '\n') {
                    yield State.BROKEN;
                }
                digits = 0;
                yield size == 0 ? State.TRAILER_START : State.DATA;
            }
            case DATA_CR -> c == '\r' ? State.DATA_LF : State.BROKEN;
            case DATA_LF -> c == '\n' ? State.SIZE : State.BROKEN;
            case TRAILER_START -> {
                lineLength = 0;
                yield c == '\r' ? State.END_LF : c == '\n' ? State.BROKEN : State.TRAILER;
            }
            case TRAILER -> c == '\n' ? State.TRAILER_START : ++lineLength > MAX_LINE ? State.BROKEN : State.TRAILER;
            case END_LF -> c == '\n' ? State.DONE : State.BROKEN;
            default -> State.BROKEN;
        };
    }
}
