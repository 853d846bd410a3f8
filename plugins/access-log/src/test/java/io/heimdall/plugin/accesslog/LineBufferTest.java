package io.heimdall.plugin.accesslog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.heimdall.api.observe.RequestSummary;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link LineBuffer}: lines appended by many threads at once come out whole, once each; a full buffer refuses. */
class LineBufferTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    static AccessLogEntry entry(String id) {
        RequestSummary summary = new RequestSummary("chat", Optional.of("m"), 200, Optional.empty(),
                Duration.ofMillis(3), Optional.of("p/m"), 1, Optional.empty(), false, Optional.empty(), 42, 17);
        return new AccessLogEntry(Instant.parse("2026-11-30T03:12:44.120Z"), id, Optional.empty(), "anonymous",
                "127.0.0.1", summary, Optional.empty());
    }

    /** Every line of the taken buffers, slot after slot; the buffers are cleared (as the writer does). */
    private static List<JsonNode> lines(LineBuffer.Lines[] taken) throws Exception {
        List<JsonNode> out = new java.util.ArrayList<>();
        for (LineBuffer.Lines batch : taken) {
            for (int i = 0; i < batch.lines(); i++) {
                String line = new String(batch.bytes(), batch.start(i), batch.end(i) - batch.start(i),
                        StandardCharsets.UTF_8);
                assertTrue(line.endsWith("\n"), line);
                out.add(JSON.readTree(line));
            }
            batch.clear();
        }
        return out;
    }

    @Test
    void linesFromManyThreadsArriveWholeAndOnce() throws Exception {
        LineBuffer buffer = new LineBuffer(100_000);
        int threads = 8;
        int each = 2_000;
        CountDownLatch start = new CountDownLatch(1);
        Set<String> seen = new HashSet<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int t = 0; t < threads; t++) {
                int tt = t;
                pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < each; i++) {
                        assertTrue(buffer.append(entry("req_" + tt + "_" + i)));
                    }
                    return null;
                });
            }
            start.countDown();
            for (int round = 0; round < 200 && seen.size() < threads * each; round++) {
                for (JsonNode n : lines(buffer.take())) {
                    assertTrue(seen.add(n.get("request_id").asText()), "twice: " + n);
                    assertEquals(42, n.get("bytes_out").asLong());
                    assertEquals(17, n.get("bytes_in").asLong());
                }
                Thread.sleep(5);
            }
        }
        for (JsonNode n : lines(buffer.take())) {
            assertTrue(seen.add(n.get("request_id").asText()), "twice: " + n);
        }
        assertEquals(threads * each, seen.size());
    }

    @Test
    void aFullBufferRefusesUntilTheWriterTakesIt() throws Exception {
        LineBuffer buffer = new LineBuffer(3);
        for (int i = 0; i < 3; i++) {
            assertTrue(buffer.append(entry("req_" + i)));
        }
        assertFalse(buffer.append(entry("req_dropped")));
        assertEquals(List.of("req_0", "req_1", "req_2"), lines(buffer.take()).stream()
                .map(n -> n.get("request_id").asText()).toList(), "one thread's lines keep their order");
        assertTrue(buffer.append(entry("req_3")));
        assertEquals("req_3", lines(buffer.take()).getFirst().get("request_id").asText());
    }
}
