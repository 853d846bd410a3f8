package io.heimdall.plugin.accesslog;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
    void appendsToAnExistingFile() throws Exception {
        Path file = dir.resolve("b.log");
        Files.writeString(file, "old\n");
        try (AccessLogSink sink = AccessLogSink.file(file, 1_000, 1)) {
            sink.write("new\n".getBytes(StandardCharsets.UTF_8));
        }
        assertTrue(Files.readString(file).equals("old\nnew\n"));
    }
}
