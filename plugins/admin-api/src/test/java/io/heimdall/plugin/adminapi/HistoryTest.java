package io.heimdall.plugin.adminapi;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The history keeps the last N versions on disk and records a text only when it changed. */
class HistoryTest {
    @TempDir
    Path dir;

    @Test
    void keepsTheLastVersionsAndSkipsAnUnchangedText() {
        History history = new History(dir, 2);
        Instant now = Instant.parse("2026-11-30T12:00:00Z");
        history.record("a: 1\n", "start-up", now);
        assertEquals(1, history.record("a: 1\n", "admin", now).version(), "the same text is not a new version");
        history.record("a: 2\n", "admin", now);
        history.record("a: 3\n", "ops-team", now);
        assertEquals(List.of(2L, 3L), history.list().stream().map(History.Version::version).toList());
        assertTrue(history.text(1).isEmpty());
        assertEquals("a: 3\n", history.text(3).orElseThrow());
        assertEquals("ops-team", new History(dir, 2).list().getLast().who(), "read back from the folder");
    }
}
