package io.heimdall.core.internal.server;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataWriter;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The chunk framing written straight to a connection: size line in hex, data, CRLF; one write per chunk. */
class ChunkedBodyTest {
    /** Each write as the bytes it carried, copied when written (the body reuses its buffer). */
    private final List<String> writes = new ArrayList<>();
    private final ChunkedBody body = new ChunkedBody(new DataWriter() {
        @Override
        public void write(BufferData... buffers) {
            for (BufferData b : buffers) {
                write(b);
            }
        }

        @Override
        public void write(BufferData buffer) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] b = new byte[buffer.available()];
            buffer.read(b);
            out.writeBytes(b);
            writes.add(out.toString(StandardCharsets.ISO_8859_1));
        }

        @Override
        public void writeNow(BufferData... buffers) {
            write(buffers);
        }

        @Override
        public void writeNow(BufferData buffer) {
            write(buffer);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    });

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void heldBytesLeaveAsOneChunkPerFlush() {
        body.flush();
        assertTrue(writes.isEmpty(), "nothing held, nothing written");
        body.append(ascii("data: a\n\n"));
        body.append(ascii("xxdata: b\n\nyy"), 2, 9);
        assertEquals(18, body.held());
        body.flush();
        body.append(ascii("data: c\n\n"));
        body.flush();
        assertEquals(List.of("12\r\ndata: a\n\ndata: b\n\n\r\n", "9\r\ndata: c\n\n\r\n"), writes);
        assertEquals(0, body.held());
    }

    @Test
    void theBufferHoldsExactlyItsCapacity() {
        byte[] filler = new byte[ChunkedBody.CAPACITY - 1];
        Arrays.fill(filler, (byte) 'x');
        assertTrue(body.fits(ChunkedBody.CAPACITY));
        assertFalse(body.fits(ChunkedBody.CAPACITY + 1));
        body.append(filler);
        assertTrue(body.fits(1));
        assertFalse(body.fits(2));
        body.append(ascii("y"));
        body.flush();
        String expected = Integer.toHexString(ChunkedBody.CAPACITY) + "\r\n" + "x".repeat(ChunkedBody.CAPACITY - 1)
                + "y\r\n";
        assertEquals(List.of(expected), writes);
    }

    @Test
    void aChunkTooLargeForTheBufferIsWrittenAloneAfterWhatWasHeld() {
        body.append(ascii("held"));
        String large = "z".repeat(70_000);
        body.writeAlone(ascii(large));
        assertEquals(List.of("4\r\nheld\r\n", "11170\r\n" + large + "\r\n"), writes);
        assertEquals(0, body.held());
    }

    @Test
    void clearDropsWhatAnEarlierResponseLeft() {
        body.append(ascii("left over"));
        body.clear();
        body.append(ascii("new"));
        body.flush();
        assertEquals(List.of("3\r\nnew\r\n"), writes);
    }
}
