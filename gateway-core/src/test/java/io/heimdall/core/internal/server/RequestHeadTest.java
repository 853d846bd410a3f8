package io.heimdall.core.internal.server;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Framing decisions and rewrites of request heads. */
class RequestHeadTest {
    private static RequestHead.Outcome examine(String head) {
        return RequestHead.examine(head.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static String text(RequestHead.Accepted a) {
        return new String(a.bytes(), StandardCharsets.ISO_8859_1);
    }

    @Test
    void http11HeadsPassUnchanged() {
        byte[] head = "POST /v1/x HTTP/1.1\r\nHost: a\r\nContent-Length: 12\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        RequestHead.Accepted a = assertInstanceOf(RequestHead.Accepted.class, RequestHead.examine(head));
        assertSame(head, a.bytes());
        assertEquals(RequestHead.Framing.LENGTH, a.framing());
        assertEquals(12, a.contentLength());
        assertFalse(a.close());
        RequestHead.Accepted chunked = assertInstanceOf(RequestHead.Accepted.class,
                examine("POST / HTTP/1.1\r\nTransfer-Encoding: Chunked\r\nConnection: Close\r\n\r\n"));
        assertEquals(RequestHead.Framing.CHUNKED, chunked.framing());
        assertTrue(chunked.close());
    }

    @Test
    void http10IsRewrittenForHelidon() {
        RequestHead.Accepted a = assertInstanceOf(RequestHead.Accepted.class,
                examine("GET /health HTTP/1.0\r\nExpect: 100-continue\r\nConnection: foo\r\n\r\n"));
        assertEquals("GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", text(a));
        assertTrue(a.http10() && a.close());
        RequestHead.Accepted keep = assertInstanceOf(RequestHead.Accepted.class,
                examine("HEAD /health HTTP/1.0\r\nHost: h\r\nConnection: Keep-Alive\r\n\r\n"));
        assertEquals("GET /health HTTP/1.1\r\nHost: h\r\nConnection: Keep-Alive\r\n\r\n", text(keep));
        assertTrue(keep.http10() && keep.head() && !keep.close());
    }

    @Test
    void badFramingAndMethodsAreRejectedHere() {
        for (String bad : new String[]{"G\0T / HTTP/1.1\r\n\r\n",
                "POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\n",
                "POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n",
                "POST / HTTP/1.1\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n",
                "POST / HTTP/1.1\r\nTransfer-Encoding: chunked, gzip\r\n\r\n",
                "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n"}) {
            assertInstanceOf(RequestHead.Rejected.class, examine(bad), bad);
        }
        assertEquals(501, ((RequestHead.Rejected) examine("POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"))
                .error().status());
    }

    @Test
    void whatHelidonRefusesAnywayIsHandedOnUnchanged() {
        for (String odd : new String[]{"GET / HTTP/1.1\nHost: a\n\n", "GET /a b HTTP/1.1\r\n\r\n",
                "GET / HTTP/2.0\r\n\r\n", "GET / HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n"}) {
            assertInstanceOf(RequestHead.Unparsed.class, examine(odd), odd);
        }
    }
}
