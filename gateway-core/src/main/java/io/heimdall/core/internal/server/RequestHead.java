package io.heimdall.core.internal.server;

import io.heimdall.api.model.GatewayError;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One request head (request line and header fields, up to and including the empty line) as received, checked for
 * what Helidon would otherwise get wrong, and rewritten where Helidon needs help:
 * <ul>
 *   <li>framing: exactly one valid {@code Content-Length}, or {@code Transfer-Encoding: chunked} alone; anything
 *   else is answered here with 400 or 501 (RFC 9112 section 6);</li>
 *   <li>the method must be a token (a NUL byte made Helidon fail with a 500);</li>
 *   <li>HTTP/1.0 (refused by Helidon with 505) is passed on as HTTP/1.1 with {@code Connection: close} unless the
 *   client asked for keep-alive, a {@code Host} if it had none, and no {@code Expect};</li>
 *   <li>HEAD is passed on as GET, so every GET route answers HEAD; the body is dropped on the way out.</li>
 * </ul>
 */
final class RequestHead {
    /** How the request body is delimited. */
    enum Framing { NONE, LENGTH, CHUNKED }

    /** What to do with the head. */
    sealed interface Outcome {
    }

    /**
     * Pass {@code bytes} to Helidon.
     *
     * @param bytes         the head to hand on, rewritten or as received
     * @param framing       how the body that follows is delimited
     * @param contentLength the body length for {@link Framing#LENGTH}
     * @param close         whether to close the connection after this exchange
     * @param http10        whether the client speaks HTTP/1.0 (the response must not be chunked)
     * @param head          whether this was a HEAD request (the response body is dropped)
     */
    record Accepted(byte[] bytes, Framing framing, long contentLength, boolean close, boolean http10, boolean head)
            implements Outcome {
    }

    /** Answer with this error and close, without involving Helidon. */
    record Rejected(GatewayError error) implements Outcome {
    }

    /** Hand the bytes to Helidon unchanged: it refuses such heads with a 4xx and closes the connection. */
    record Unparsed(byte[] bytes) implements Outcome {
    }

    private static final String TCHARS = "!#$%&'*+-.^_`|~";

    private RequestHead() {
    }

    /** Checks and maybe rewrites one complete head. */
    static Outcome examine(byte[] head) {
        List<String> lines = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < head.length; i++) {
            if (head[i] == '\n') {
                if (i == 0 || head[i - 1] != '\r') {
                    return new Unparsed(head); // a bare LF: Helidon answers 400
                }
                lines.add(new String(head, start, i - 1 - start, StandardCharsets.ISO_8859_1));
                start = i + 1;
            }
        }
        if (lines.size() < 2 || !lines.getLast().isEmpty()) {
            return new Unparsed(head);
        }
        String[] requestLine = lines.getFirst().split(" ", -1);
        if (requestLine.length != 3) {
            return new Unparsed(head);
        }
        String method = requestLine[0];
        if (method.isEmpty() || !isToken(method)) {
            return new Rejected(badRequest("The request method is not a valid token", "bad_http_request"));
        }
        String version = requestLine[2];
        boolean http10 = version.equals("HTTP/1.0");
        if (!http10 && !version.equals("HTTP/1.1")) {
            return new Unparsed(head);
        }

        List<String> contentLengths = new ArrayList<>();
        List<String> codings = new ArrayList<>();
        boolean hasTransferEncoding = false;
        boolean close = false;
        boolean keepAlive = false;
        boolean hasHost = false;
        for (int i = 1; i < lines.size() - 1; i++) {
            String line = lines.get(i);
            int colon = line.indexOf(':');
            if (colon <= 0 || !isToken(line.substring(0, colon))) {
                return new Unparsed(head); // Helidon answers 400 for a malformed field
            }
            String name = line.substring(0, colon).toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).trim();
            switch (name) {
                case "content-length" -> contentLengths.addAll(List.of(value.split(",", -1)));
                case "transfer-encoding" -> {
                    hasTransferEncoding = true;
                    for (String c : value.split(",")) {
                        if (!c.isBlank()) {
                            codings.add(c.trim().toLowerCase(Locale.ROOT));
                        }
                    }
                }
                case "connection" -> {
                    for (String token : value.split(",")) {
                        String t = token.trim().toLowerCase(Locale.ROOT);
                        close |= t.equals("close");
                        keepAlive |= t.equals("keep-alive");
                    }
                }
                case "host" -> hasHost = true;
                default -> {
                }
            }
        }

        Framing framing = Framing.NONE;
        long length = 0;
        if (hasTransferEncoding) {
            if (http10) {
                return new Rejected(badRequest("Transfer-Encoding is not allowed in an HTTP/1.0 request",
                        "invalid_framing"));
            }
            if (!contentLengths.isEmpty()) {
                return new Rejected(badRequest("Content-Length and Transfer-Encoding must not be combined",
                        "invalid_framing"));
            }
            if (codings.isEmpty() || !codings.getLast().equals("chunked")) {
                return new Rejected(badRequest("The last transfer coding of a request must be chunked",
                        "invalid_framing"));
            }
            if (codings.size() > 1) {
                return new Rejected(GatewayError.of(501, GatewayError.INVALID_REQUEST,
                        "Only the chunked transfer coding is supported in requests", "unsupported_transfer_coding"));
            }
            framing = Framing.CHUNKED;
        } else if (!contentLengths.isEmpty()) {
            String only = contentLengths.getFirst().trim();
            if (contentLengths.size() > 1 || !only.matches("\\d{1,18}")) {
                return new Rejected(badRequest("Content-Length must be a single non-negative number",
                        "invalid_framing"));
            }
            length = Long.parseLong(only);
            framing = length == 0 ? Framing.NONE : Framing.LENGTH;
        }

        boolean isHead = method.equals("HEAD");
        boolean closeAfter = close || (http10 && !keepAlive);
        if (!http10 && !isHead) {
            return new Accepted(head, framing, length, closeAfter, false, false);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(head.length + 48);
        write(out, (isHead ? "GET" : method) + " " + requestLine[1] + " HTTP/1.1");
        for (int i = 1; i < lines.size() - 1; i++) {
            String line = lines.get(i);
            String name = line.substring(0, line.indexOf(':')).toLowerCase(Locale.ROOT);
            if (http10 && (name.equals("expect") || (closeAfter && name.equals("connection")))) {
                continue; // no 100-continue for HTTP/1.0; its Connection is replaced below
            }
            write(out, line);
        }
        if (http10 && !hasHost) {
            write(out, "Host: localhost");
        }
        if (http10 && closeAfter) {
            write(out, "Connection: close");
        }
        write(out, "");
        return new Accepted(out.toByteArray(), framing, length, closeAfter, http10, isHead);
    }

    private static void write(ByteArrayOutputStream out, String line) {
        out.writeBytes(line.getBytes(StandardCharsets.ISO_8859_1));
        out.write('\r');
        out.write('\n');
    }

    private static GatewayError badRequest(String message, String code) {
        return GatewayError.of(400, GatewayError.INVALID_REQUEST, "The HTTP request was refused: " + message, code);
    }

    private static boolean isToken(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || TCHARS.indexOf(c) >= 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
