package io.heimdall.api.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Optional;

/** An upstream's response. Close it to return the connection to the pool (or drop it if the body was not read). */
public interface UpstreamResponse extends AutoCloseable {
    /** The HTTP status code. */
    int status();

    /** The first value of a response header, name case-insensitive. */
    Optional<String> header(String name);

    /** The body as it arrives. */
    InputStream body();

    /** Reads the whole body, at most {@code limit} bytes (the rest is discarded). */
    default byte[] readBody(int limit) {
        try {
            return body().readNBytes(limit);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    void close();
}
