package io.heimdall.core.internal.server;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Chunked framing is followed whatever way the bytes are split. */
class ChunkScannerTest {
    private static final String BODY = "5\r\nhello\r\nA;name=value\r\n, world!!!\r\n0\r\nx-trailer: 1\r\n\r\nNEXT";

    @Test
    void findsTheEndAndTheDataAtEverySplit() {
        byte[] b = BODY.getBytes(StandardCharsets.US_ASCII);
        int end = BODY.indexOf("NEXT");
        for (int step = 1; step <= b.length; step++) {
            ChunkScanner s = new ChunkScanner();
            ByteArrayOutputStream data = new ByteArrayOutputStream();
            int stopped = -1;
            for (int from = 0; from < b.length && stopped < 0; from += step) {
                int to = Math.min(b.length, from + step);
                int at = s.scan(b, from, to, data::write);
                if (s.finished()) {
                    stopped = at;
                } else {
                    assertEquals(to, at, "step " + step);
                }
            }
            assertEquals(end, stopped, "step " + step);
            assertEquals("hello, world!!!", data.toString(StandardCharsets.US_ASCII), "step " + step);
        }
    }

    @Test
    void malformedFramingIsBroken() {
        for (String bad : new String[]{"zz\r\n", "\r\n", "5\r\nhelloX", "5\nhello", "0\r\n\n"}) {
            ChunkScanner s = new ChunkScanner();
            byte[] b = bad.getBytes(StandardCharsets.US_ASCII);
            s.scan(b, 0, b.length);
            assertTrue(s.broken(), bad);
            assertFalse(s.finished(), bad);
        }
    }
}
