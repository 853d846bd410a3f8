package io.heimdall.api.http;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The event-stream reader against the HTML Living Standard's parsing rules. */
class ServerSentEventsTest {
    private static List<ServerSentEvents.Event> read(String stream) {
        List<ServerSentEvents.Event> events = new ArrayList<>();
        try (ServerSentEvents sse = new ServerSentEvents(new ByteArrayInputStream(
                stream.getBytes(StandardCharsets.UTF_8)))) {
            for (Optional<ServerSentEvents.Event> e = sse.next(); e.isPresent(); e = sse.next()) {
                events.add(e.get());
            }
        }
        return events;
    }

    private static ServerSentEvents.Event event(String name, String data) {
        return new ServerSentEvents.Event(name, data);
    }

    @Test
    void oneDataLinePerEventAsOpenAiSendsThem() {
        assertEquals(List.of(event("message", "{\"a\":\"h\u00e9 : x\"}"), event("message", "[DONE]")),
                read("data: {\"a\":\"h\u00e9 : x\"}\n\ndata: [DONE]\n\n"));
    }

    @Test
    void namedEventsAndLinesJoinedWithNewlines() {
        assertEquals(List.of(event("message_start", "{\"type\":\"message_start\"}"), event("ping", "a\nb\n\nc")),
                read("event: message_start\ndata: {\"type\":\"message_start\"}\n\n"
                        + "event:ping\ndata:a\ndata: b\ndata\ndata: c\n\n"));
    }

    @Test
    void onlyOneLeadingSpaceIsDroppedAndColonsInTheValueStay() {
        assertEquals(List.of(event("message", " two: spaces"), event("message", "")),
                read("data:  two: spaces\n\ndata\n\n"));
    }

    @Test
    void commentsIdsRetriesAndUnknownFieldsAreSkippedAndCrLfEndsLines() {
        assertEquals(List.of(event("message", "x"), event("message", "y")),
                read(": keep-alive\r\nid: 7\r\nretry: 100\r\ndatum: no\r\ndata: x\r\n\r\n"
                        + "event: gone\n\n" // no data: not dispatched, and the name does not carry over
                        + "data: y"));      // the stream ends without a blank line
    }
}
