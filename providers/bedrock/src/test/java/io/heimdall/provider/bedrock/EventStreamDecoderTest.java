package io.heimdall.provider.bedrock;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.UUID;
import java.util.zip.CRC32;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The event-stream decoder: round trips, frames split across reads, every header type, and broken frames. */
class EventStreamDecoderTest {
    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    @Test
    void decodesConsecutiveMessagesAndEndsCleanly() throws IOException {
        byte[] stream = concat(EventStreamFrames.event("messageStart", "{\"role\":\"assistant\"}"),
                EventStreamFrames.event("contentBlockDelta", "{\"contentBlockIndex\":0,\"delta\":{\"text\":\"Hé\"}}"),
                EventStreamFrames.exception("throttlingException", "{\"message\":\"slow down\"}"));
        EventStreamDecoder decoder = new EventStreamDecoder(new ByteArrayInputStream(stream));
        EventStreamDecoder.Message first = decoder.next().orElseThrow();
        assertEquals("messageStart", first.header(":event-type").orElseThrow());
        assertEquals("event", first.header(":message-type").orElseThrow());
        assertEquals("{\"role\":\"assistant\"}", first.payloadText());
        assertEquals("{\"contentBlockIndex\":0,\"delta\":{\"text\":\"Hé\"}}", decoder.next().orElseThrow()
                .payloadText());
        EventStreamDecoder.Message third = decoder.next().orElseThrow();
        assertEquals("exception", third.header(":message-type").orElseThrow());
        assertEquals("throttlingException", third.header(":exception-type").orElseThrow());
        assertTrue(decoder.next().isEmpty());
    }

    @Test
    void reassemblesFramesSplitAcrossReadsOfOneByte() throws IOException {
        byte[] stream = concat(EventStreamFrames.event("a", "{\"x\":1}"), EventStreamFrames.event("b", "{}"));
        InputStream trickle = new InputStream() {
            private int pos;

            @Override
            public int read() {
                return pos < stream.length ? stream[pos++] & 0xff : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (pos >= stream.length) {
                    return -1;
                }
                b[off] = stream[pos++];
                return 1;
            }
        };
        EventStreamDecoder decoder = new EventStreamDecoder(trickle);
        assertEquals("a", decoder.next().orElseThrow().header(":event-type").orElseThrow());
        assertEquals("b", decoder.next().orElseThrow().header(":event-type").orElseThrow());
        assertTrue(decoder.next().isEmpty());
    }

    @Test
    void rejectsACorruptedPayload() {
        byte[] frame = EventStreamFrames.event("contentBlockDelta", "{\"delta\":{\"text\":\"hello\"}}");
        frame[frame.length - 8] ^= 0x01;
        EventStreamDecoder.FramingException e = assertThrows(EventStreamDecoder.FramingException.class,
                () -> new EventStreamDecoder(new ByteArrayInputStream(frame)).next());
        assertTrue(e.getMessage().contains("message checksum"), e.getMessage());
    }

    @Test
    void rejectsACorruptedPreludeBeforeTrustingItsLength() {
        byte[] frame = EventStreamFrames.event("x", "{}");
        frame[2] = 0x7f;
        EventStreamDecoder.FramingException e = assertThrows(EventStreamDecoder.FramingException.class,
                () -> new EventStreamDecoder(new ByteArrayInputStream(frame)).next());
        assertTrue(e.getMessage().contains("prelude checksum"), e.getMessage());
    }

    @Test
    void rejectsATruncatedMessageAndAnImpossibleLength() {
        byte[] frame = EventStreamFrames.event("x", "{\"a\":\"b\"}");
        assertThrows(EventStreamDecoder.FramingException.class, () -> new EventStreamDecoder(
                new ByteArrayInputStream(Arrays.copyOf(frame, frame.length - 3))).next());
        assertThrows(EventStreamDecoder.FramingException.class, () -> new EventStreamDecoder(
                new ByteArrayInputStream(Arrays.copyOf(frame, 5))).next());
        // a valid prelude CRC over a headers length larger than the message
        ByteBuffer prelude = ByteBuffer.allocate(16).putInt(16).putInt(100);
        CRC32 crc = new CRC32();
        crc.update(prelude.array(), 0, 8);
        prelude.putInt((int) crc.getValue());
        EventStreamDecoder.FramingException e = assertThrows(EventStreamDecoder.FramingException.class,
                () -> new EventStreamDecoder(new ByteArrayInputStream(prelude.array())).next());
        assertTrue(e.getMessage().contains("bad message length"), e.getMessage());
    }

    @Test
    void decodesEveryHeaderValueType() throws IOException {
        UUID uuid = UUID.randomUUID();
        ByteBuffer h = ByteBuffer.allocate(200);
        header(h, "t", 0);
        header(h, "f", 1);
        header(h, "b", 2).put((byte) -3);
        header(h, "s", 3).putShort((short) 300);
        header(h, "i", 4).putInt(70000);
        header(h, "l", 5).putLong(1L << 40);
        header(h, "y", 6).putShort((short) 2).put(new byte[] {1, 2});
        header(h, "str", 7).putShort((short) 2).put("ok".getBytes(StandardCharsets.UTF_8));
        header(h, "ts", 8).putLong(1_700_000_000_000L);
        header(h, "u", 9).putLong(uuid.getMostSignificantBits()).putLong(uuid.getLeastSignificantBits());
        Map<String, Object> headers = EventStreamDecoder.headers(ByteBuffer.wrap(h.array(), 0, h.position()));
        assertEquals(Boolean.TRUE, headers.get("t"));
        assertEquals(Boolean.FALSE, headers.get("f"));
        assertEquals((byte) -3, headers.get("b"));
        assertEquals((short) 300, headers.get("s"));
        assertEquals(70000, headers.get("i"));
        assertEquals(1L << 40, headers.get("l"));
        assertArrayEquals(new byte[] {1, 2}, (byte[]) headers.get("y"));
        assertEquals("ok", headers.get("str"));
        assertEquals(1_700_000_000_000L, headers.get("ts"));
        assertEquals(uuid, headers.get("u"));
        assertThrows(EventStreamDecoder.FramingException.class, () -> EventStreamDecoder.headers(
                ByteBuffer.wrap(new byte[] {1, 'x', 7, 0, 9, 'a'})));
        assertThrows(EventStreamDecoder.FramingException.class, () -> EventStreamDecoder.headers(
                ByteBuffer.wrap(new byte[] {1, 'x', 42})));
    }

    private static ByteBuffer header(ByteBuffer b, String name, int type) {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        return b.put((byte) n.length).put(n).put((byte) type);
    }
}
