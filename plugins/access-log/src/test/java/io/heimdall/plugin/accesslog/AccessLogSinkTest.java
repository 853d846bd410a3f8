package io.heimdall.plugin.accesslog;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The file sink rotates by size and keeps {@code max-files} old files, newest first. */
class AccessLogSinkTest {
    @TempDir
    Path dir;

    @Test
    void rotatesBySizeKeepingMaxFiles() throws Exception {
        Path file = dir.resolve("a.log");
        try (AccessLogSink sink = AccessLogSink.file(file, 25, 2)) {
            for (int i = 0; i < 7; i++) {
                sink.write(("line-" + i + "-abcdefgh\n").getBytes(StandardCharsets.UTF_8)); // 16 bytes each
            }
            sink.flush();
        }
        assertEquals("line-6-abcdefgh\n", Files.readString(file));
        assertEquals("line-5-abcdefgh\n", Files.readString(dir.resolve("a.log.1")));
        assertEquals("line-4-abcdefgh\n", Files.readString(dir.resolve("a.log.2")));
        assertFalse(Files.exists(dir.resolve("a.log.3")));
    }

    @Test
    void aBatchOfLinesIsWrittenInFewWritesAndRotatesOnlyBetweenLines() throws Exception {
        Path file = dir.resolve("b.log");
        LineBuffer buffer = new LineBuffer(100);
        java.util.List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 10; i++) {
            ids.add("req_" + i);
            buffer.append(LineBufferTest.entry("req_" + i));
        }
        LineBuffer.Lines batch = buffer.take()[0]; // one thread: every line in the first slot
        assertEquals(10, batch.lines());
        int line = batch.end(0);
        java.util.concurrent.atomic.AtomicInteger writes = new java.util.concurrent.atomic.AtomicInteger();
        try (AccessLogSink sink = AccessLogSink.file(file, 3L * line + line / 2, 10)) {
            AccessLogSink counting = new AccessLogSink() { // the file sink, its writes counted
                @Override
                void write(byte[] bytes, int offset, int length) throws IOException {
                    writes.incrementAndGet();
                    sink.write(bytes, offset, length);
                }

                @Override
                boolean fits(int length) {
                    return sink.fits(length);
                }

                @Override
                void flush() throws IOException {
                    sink.flush();
                }

                @Override
                public void close() {
                }
            };
            counting.writeLines(batch);
            counting.flush();
        }
        // 3 whole lines per file (3.5 lines of room); writes: line 0 alone (it opens the file), lines 1-2, then for
        // each later file its first line alone (the sink rotates before it) and the two after it, and line 9
        java.util.List<String> read = new java.util.ArrayList<>();
        for (int n = 3; n >= 1; n--) {
            read.addAll(Files.readAllLines(dir.resolve("b.log." + n)));
        }
        read.addAll(Files.readAllLines(file));
        assertEquals(ids, read.stream().map(l -> l.replaceAll(".*\"request_id\":\"([^\"]+)\".*", "$1")).toList());
        for (String l : read) {
            assertTrue(l.startsWith("{") && l.endsWith("}"), "whole lines only: " + l);
        }
        assertEquals(3, Files.readAllLines(dir.resolve("b.log.1")).size());
        assertEquals(7, writes.get(), "7 writes for 10 lines over 4 files");
    }

    @Test
    void appendsToAnExistingFile() throws Exception {
        Path file = dir.resolve("b.log");
        Files.writeString(file, "old\n");
        try (AccessLogSink sink = AccessLogSink.file(file, 1_000, 1)) {
            sink.write("new\n".getBytes(StandardCharsets.UTF_8));
        }
        assertTrue(Files.readString(file).equals("old\nnew\n"));
    }
}
