package io.heimdall.plugin.opentelemetry;

import io.opentelemetry.sdk.trace.IdGenerator;

import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Random trace and span ids like the SDK's default generator, formatted by {@link HexFormat} instead of through the
 * API's thread-local char buffers: every request runs on a new virtual thread, where those buffers (and the thread's
 * first thread-local map) were made anew for each request.
 */
final class HexIds implements IdGenerator {
    private static final HexFormat HEX = HexFormat.of();

    @Override
    public String generateSpanId() {
        return HEX.toHexDigits(nonZero());
    }

    @Override
    public String generateTraceId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return HEX.toHexDigits(random.nextLong()) + HEX.toHexDigits(nonZero());
    }

    private static long nonZero() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long id;
        do {
            id = random.nextLong();
        } while (id == 0);
        return id;
    }
}
