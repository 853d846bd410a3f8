package io.heimdall.api.http;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Reads a {@code text/event-stream} body event by event, as the HTML Living Standard defines it: {@code event:} and
 * {@code data:} fields, multi-line data joined with newlines, comments and {@code id}/{@code retry} fields skipped,
 * an event dispatched at a blank line. Not thread-safe; one reader per stream.
 */
public final class ServerSentEvents implements AutoCloseable {
    private final BufferedReader reader;

    /** Reads events from a UTF-8 stream. */
    public ServerSentEvents(InputStream in) {
        this.reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 8192);
    }

    /**
     * One event.
     *
     * @param event the event name, {@code message} when none was given
     * @param data  the data, lines joined by {@code \n}
     */
    public record Event(String event, String data) {
    }

    /** The next event, or empty at the end of the stream. */
    public Optional<Event> next() {
        String event = null;
        // one data line (the common case) is kept as it was read; a builder only for a second line
        String data = null;
        StringBuilder lines = null;
        try {
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.isEmpty()) {
                    if (data != null) {
                        return Optional.of(event(event, data, lines));
                    }
                    event = null;
                    continue;
                }
                if (line.charAt(0) == ':') {
                    continue;
                }
                int colon = line.indexOf(':');
                int valueAt = colon < 0 ? line.length()
                        : colon + 1 < line.length() && line.charAt(colon + 1) == ' ' ? colon + 2 : colon + 1;
                int nameEnd = colon < 0 ? line.length() : colon;
                if (nameEnd == 4 && line.startsWith("data")) {
                    String value = line.substring(valueAt);
                    if (data == null) {
                        data = value;
                    } else {
                        if (lines == null) {
                            lines = new StringBuilder(data);
                        }
                        lines.append('\n').append(value);
                    }
                } else if (nameEnd == 5 && line.startsWith("event")) {
                    event = line.substring(valueAt);
                }
                // id, retry and unknown fields are not needed by providers
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return data == null ? Optional.empty() : Optional.of(event(event, data, lines));
    }

    private static Event event(String event, String data, StringBuilder lines) {
        return new Event(event == null ? "message" : event, lines == null ? data : lines.toString());
    }

    @Override
    public void close() {
        try {
            reader.close();
        } catch (IOException ignored) {
            // closing a finished stream
        }
    }
}
