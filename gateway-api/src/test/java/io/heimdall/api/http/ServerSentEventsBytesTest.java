package io.heimdall.api.http;

import io.heimdall.api.model.GatewayError;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The event-stream reader's own byte handling: line ends split across reads, a byte-order mark, events kept as bytes,
 * no read beyond the event returned, the size limit, and the same events as a plain reading of the standard's rules
 * for thousands of random streams cut into random reads.
 */
class ServerSentEventsBytesTest {
    /** Hands out {@code bytes} in reads of the given sizes (then the rest), failing any read after the end. */
    private static final class Pieces extends InputStream {
        private final byte[] bytes;
        private final int[] sizes;
        private int at;
        private int read;
        private boolean failPastEnd;

        Pieces(byte[] bytes, int... sizes) {
            this.bytes = bytes;
            this.sizes = sizes;
        }

        @Override
        public int read() {
            throw new UnsupportedOperationException();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (at == bytes.length) {
                if (failPastEnd) {
                    throw new IOException("read past what had arrived");
                }
                return -1;
            }
            int n = Math.min(len, read < sizes.length ? sizes[read] : bytes.length - at);
            n = Math.min(n, bytes.length - at);
            read++;
            System.arraycopy(bytes, at, b, off, n);
            at += n;
            return n;
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static List<ServerSentEvents.Event> readAll(InputStream in) {
        List<ServerSentEvents.Event> events = new ArrayList<>();
        try (ServerSentEvents sse = new ServerSentEvents(in)) {
            for (Optional<ServerSentEvents.Event> e = sse.next(); e.isPresent(); e = sse.next()) {
                events.add(e.get());
            }
        }
        return events;
    }

    /** As {@link #readAll}, through {@link ServerSentEvents#advance} and its view. */
    private static List<ServerSentEvents.Event> readAllShared(InputStream in) {
        List<ServerSentEvents.Event> events = new ArrayList<>();
        try (ServerSentEvents sse = new ServerSentEvents(in)) {
            ServerSentEvents.EventView view = sse.view();
            while (sse.advance()) {
                events.add(new ServerSentEvents.Event(view.event(), view.text()));
            }
        }
        return events;
    }

    /** The standard's parsing rules read plainly over the decoded text (this reader's behaviour kept: see the test). */
    private static List<ServerSentEvents.Event> reference(String stream) {
        if (stream.startsWith("\uFEFF")) {
            stream = stream.substring(1);
        }
        List<String> lines = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < stream.length(); i++) {
            char c = stream.charAt(i);
            if (c == '\r' || c == '\n') {
                lines.add(stream.substring(start, i));
                if (c == '\r' && i + 1 < stream.length() && stream.charAt(i + 1) == '\n') {
                    i++;
                }
                start = i + 1;
            }
        }
        if (start < stream.length()) {
            lines.add(stream.substring(start));
        }
        List<ServerSentEvents.Event> events = new ArrayList<>();
        String event = null;
        StringBuilder data = null;
        for (String line : lines) {
            if (line.isEmpty()) {
                if (data != null) {
                    events.add(new ServerSentEvents.Event(event == null ? "message" : event, data.toString()));
                }
                event = null;
                data = null;
                continue;
            }
            if (line.startsWith(":")) {
                continue;
            }
            int colon = line.indexOf(':');
            String name = colon < 0 ? line : line.substring(0, colon);
            String value = colon < 0 ? "" : line.substring(colon + 1);
            if (value.startsWith(" ")) {
                value = value.substring(1);
            }
            if (name.equals("data")) {
                data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
            } else if (name.equals("event")) {
                event = value;
            }
        }
        if (data != null) {
            events.add(new ServerSentEvents.Event(event == null ? "message" : event, data.toString()));
        }
        return events;
    }

    @Test
    void aCrLfSplitBetweenTwoReadsIsOneLineEnd() {
        byte[] stream = utf8("data: a\r\n\r\ndata: b\r\r");
        // cut after each CR: the LF arrives with the next read
        assertEquals(List.of(new ServerSentEvents.Event("message", "a"), new ServerSentEvents.Event("message", "b")),
                readAll(new Pieces(stream, 8, 2, 7, 1, 1)));
        assertEquals(List.of(new ServerSentEvents.Event("message", "a"), new ServerSentEvents.Event("message", "b")),
                readAll(new Pieces(stream, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1)));
    }

    @Test
    void aLeadingByteOrderMarkIsDropped() {
        byte[] stream = utf8("\uFEFFdata: x\n\n");
        assertEquals(List.of(new ServerSentEvents.Event("message", "x")), readAll(new ByteArrayInputStream(stream)));
        assertEquals(List.of(new ServerSentEvents.Event("message", "x")), readAll(new Pieces(stream, 3, 100)));
    }

    @Test
    void eventsAsBytesKeepWhatCameAndKnowBlankAndDone() {
        byte[] stream = utf8("event: chunk\ndata: {\"a\":\"h\u00e9\"}\n\ndata:  [DONE] \n\ndata: \t \n\n");
        try (ServerSentEvents sse = new ServerSentEvents(new ByteArrayInputStream(stream))) {
            ServerSentEvents.EventBytes first = sse.nextBytes().orElseThrow();
            assertEquals("chunk", first.event());
            assertArrayEquals(utf8("{\"a\":\"h\u00e9\"}"), first.data());
            assertFalse(first.isBlank());
            ServerSentEvents.EventBytes done = sse.nextBytes().orElseThrow();
            assertTrue(done.is("[DONE]"), "whitespace around [DONE] is not part of it");
            assertFalse(done.is("[DONE"));
            ServerSentEvents.EventBytes blank = sse.nextBytes().orElseThrow();
            assertTrue(blank.isBlank());
            assertEquals(Optional.empty(), sse.nextBytes());
        }
    }

    @Test
    void anEventIsReturnedWithoutReadingBeyondTheBlankLineThatEndsIt() {
        Pieces upstream = new Pieces(utf8("data: one\n\n"));
        upstream.failPastEnd = true; // a read now would wait for the upstream's next event
        try (ServerSentEvents sse = new ServerSentEvents(upstream)) {
            assertEquals("one", sse.next().orElseThrow().data());
        }
    }

    @Test
    void eachEventsBytesAreItsOwn() {
        byte[] stream = utf8("data: a\ndata: b\n\ndata: c\ndata: d\n\n");
        try (ServerSentEvents sse = new ServerSentEvents(new ByteArrayInputStream(stream))) {
            byte[] first = sse.nextBytes().orElseThrow().data();
            byte[] second = sse.nextBytes().orElseThrow().data();
            assertArrayEquals(utf8("a\nb"), first, "the first event's array is not reused by the second");
            assertArrayEquals(utf8("c\nd"), second);
        }
    }

    @Test
    void theSharedViewReusesOneArrayAndKnowsBlankAndDone() {
        byte[] stream = utf8("data: a\ndata: b\n\nevent: delta\ndata: {\"c\":1}\n\ndata:  \n\ndata: [DONE]\n\n");
        try (ServerSentEvents sse = new ServerSentEvents(new ByteArrayInputStream(stream))) {
            ServerSentEvents.EventView view = sse.view();
            assertTrue(sse.advance());
            byte[] array = view.array();
            assertEquals("a\nb", new String(array, 0, view.length(), StandardCharsets.UTF_8));
            assertEquals("message", view.event());
            assertTrue(sse.advance());
            assertSame(array, view.array(), "a short event reuses the reader's array");
            assertEquals("delta", view.event());
            assertEquals("{\"c\":1}", view.text());
            assertFalse(view.isBlank());
            assertTrue(sse.advance());
            assertTrue(view.isBlank());
            assertEquals("message", view.event(), "the name does not carry over to the next event");
            assertTrue(sse.advance());
            assertTrue(view.is("[DONE]"));
            assertFalse(sse.advance());
            assertFalse(sse.advance(), "the end stays the end");
        }
    }

    @Test
    void anEventOverTheLimitFailsTheReadAndLongOnesWithinItAreRead() {
        String longLine = "x".repeat(100_000);
        assertEquals(List.of(new ServerSentEvents.Event("message", longLine + "\n" + longLine)),
                readAll(new ByteArrayInputStream(utf8("data: " + longLine + "\ndata: " + longLine + "\n\n"))));
        InputStream endless = new InputStream() {
            @Override
            public int read() {
                return 'x';
            }

            @Override
            public int read(byte[] b, int off, int len) {
                java.util.Arrays.fill(b, off, off + len, (byte) 'x');
                return len;
            }
        };
        UncheckedIOException e = assertThrows(UncheckedIOException.class,
                () -> new ServerSentEvents(endless).nextBytes());
        assertInstanceOf(ServerSentEvents.EventTooLargeException.class, e.getCause());
        GatewayError error = UpstreamReads.failure(e, "acme").error();
        assertEquals(502, error.status());
        assertEquals(Optional.of("bad_upstream_response"), error.code());
        assertTrue(error.message().contains("acme") && error.message().contains("16777216 bytes"), error.message());
        UncheckedIOException joined = assertThrows(UncheckedIOException.class, () -> new ServerSentEvents(
                new InputStream() {
                    private final byte[] line = utf8("data: " + "y".repeat(1 << 20) + "\n");
                    private int at;

                    @Override
                    public int read() {
                        throw new UnsupportedOperationException();
                    }

                    @Override
                    public int read(byte[] b, int off, int len) {
                        int n = Math.min(len, line.length - at);
                        System.arraycopy(line, at, b, off, n);
                        at = (at + n) % line.length;
                        return n;
                    }
                }).nextBytes());
        assertInstanceOf(ServerSentEvents.EventTooLargeException.class, joined.getCause(),
                "many data lines without a blank line are refused too");
    }

    @Test
    void eventsAfterALongOneAreReadWhole() {
        String longLine = "z".repeat(200_000);
        byte[] stream = utf8("data: " + longLine + "\n\ndata: a\ndata: b\n\ndata: c\n\n");
        // small reads: the short events after the long one arrive while the grown buffer is given up
        List<ServerSentEvents.Event> expected = List.of(new ServerSentEvents.Event("message", longLine),
                new ServerSentEvents.Event("message", "a\nb"), new ServerSentEvents.Event("message", "c"));
        assertEquals(expected, readAll(new Pieces(stream, 200_006, 3, 5, 2, 4, 3)));
        assertEquals(expected, readAllShared(new Pieces(stream, 200_006, 3, 5, 2, 4, 3)));
    }

    @Test
    void randomStreamsCutIntoRandomReadsGiveTheStandardsEvents() {
        String[] parts = {"data", "data:", "data: ", "event", "event:", "event: ", "id: 1", ": note", "retry: 5",
            "datum", "{\"a\":1}", "h\u00e9", "\u20ac", " ", ":", "[DONE]", "x"};
        String[] ends = {"\n", "\r\n", "\r"};
        Random random = new Random(20261201);
        for (int round = 0; round < 3_000; round++) {
            StringBuilder s = new StringBuilder(random.nextInt(10) == 0 ? "\uFEFF" : "");
            int lines = random.nextInt(12);
            for (int l = 0; l < lines; l++) {
                int words = random.nextInt(3);
                for (int w = 0; w < words; w++) {
                    s.append(parts[random.nextInt(parts.length)]);
                }
                if (l < lines - 1 || random.nextBoolean()) {
                    s.append(ends[random.nextInt(ends.length)]);
                }
            }
            String stream = s.toString();
            byte[] bytes = utf8(stream);
            int[] sizes = new int[bytes.length];
            for (int i = 0; i < sizes.length; i++) {
                sizes[i] = 1 + random.nextInt(4);
            }
            assertEquals(reference(stream), readAll(new Pieces(bytes, sizes)), () -> "stream " + stream.replace("\r",
                    "\\r").replace("\n", "\\n"));
            assertEquals(reference(stream), readAllShared(new Pieces(bytes, sizes)), () -> "shared, stream "
                    + stream.replace("\r", "\\r").replace("\n", "\\n"));
        }
    }
}
