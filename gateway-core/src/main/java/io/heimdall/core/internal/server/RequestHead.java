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
        // Bytes are scanned in place: only the values of the few fields that matter become strings.
        int[] bounds = new int[32]; // [start, end) of each line, without its CRLF
        int count = 0;
        int start = 0;
        for (int i = 0; i < head.length; i++) {
            if (head[i] == '\n') {
                if (i == 0 || head[i - 1] != '\r') {
                    return new Unparsed(head); // a bare LF: Helidon answers 400
                }
                if (2 * count + 2 > bounds.length) {
                    bounds = java.util.Arrays.copyOf(bounds, bounds.length * 2);
                }
                bounds[2 * count] = start;
                bounds[2 * count + 1] = i - 1;
                count++;
                start = i + 1;
            }
        }
        if (count < 2 || bounds[2 * count - 1] != bounds[2 * count - 2]) {
            return new Unparsed(head);
        }
        int lineEnd = bounds[1];
        int sp1 = indexOf(head, (byte) ' ', 0, lineEnd);
        int sp2 = sp1 < 0 ? -1 : indexOf(head, (byte) ' ', sp1 + 1, lineEnd);
        if (sp2 < 0 || indexOf(head, (byte) ' ', sp2 + 1, lineEnd) >= 0) {
            return new Unparsed(head);
        }
        if (sp1 == 0 || !isToken(head, 0, sp1)) {
            return new Rejected(badRequest("The request method is not a valid token", "bad_http_request"));
        }
        boolean http10 = equalsAscii(head, sp2 + 1, lineEnd, "HTTP/1.0");
        if (!http10 && !equalsAscii(head, sp2 + 1, lineEnd, "HTTP/1.1")) {
            return new Unparsed(head);
        }
        String method = new String(head, 0, sp1, StandardCharsets.ISO_8859_1);

        List<String> contentLengths = new ArrayList<>(1);
        List<String> codings = new ArrayList<>(1);
        boolean hasTransferEncoding = false;
        boolean close = false;
        boolean keepAlive = false;
        boolean hasHost = false;
        for (int i = 1; i < count - 1; i++) {
            int from = bounds[2 * i];
            int to = bounds[2 * i + 1];
            int colon = indexOf(head, (byte) ':', from, to);
            if (colon <= from || !isToken(head, from, colon)) {
                return new Unparsed(head); // Helidon answers 400 for a malformed field
            }
            switch (colon - from) {
                case 14 -> {
                    if (equalsLower(head, from, colon, "content-length")) {
                        contentLengths.addAll(List.of(value(head, colon, to).split(",", -1)));
                    }
                }
                case 17 -> {
                    if (equalsLower(head, from, colon, "transfer-encoding")) {
                        hasTransferEncoding = true;
                        for (String c : value(head, colon, to).split(",")) {
                            if (!c.isBlank()) {
                                codings.add(c.trim().toLowerCase(Locale.ROOT));
                            }
                        }
                    }
                }
                case 10 -> {
                    if (equalsLower(head, from, colon, "connection")) {
                        for (String token : value(head, colon, to).split(",")) {
                            String t = token.trim().toLowerCase(Locale.ROOT);
                            close |= t.equals("close");
                            keepAlive |= t.equals("keep-alive");
                        }
                    }
                }
                case 4 -> hasHost |= equalsLower(head, from, colon, "host");
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
            if (contentLengths.size() > 1 || !digits(only)) {
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
        write(out, (isHead ? "GET" : method) + " " + new String(head, sp1 + 1, sp2 - sp1 - 1,
                StandardCharsets.ISO_8859_1) + " HTTP/1.1");
        for (int i = 1; i < count - 1; i++) {
            String line = new String(head, bounds[2 * i], bounds[2 * i + 1] - bounds[2 * i], StandardCharsets.ISO_8859_1);
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

    /** The trimmed value of a field whose name ends at {@code colon}. */
    private static String value(byte[] b, int colon, int to) {
        return new String(b, colon + 1, to - colon - 1, StandardCharsets.ISO_8859_1).trim();
    }

    /** Whether {@code s} is 1 to 18 ASCII digits. */
    private static boolean digits(String s) {
        if (s.isEmpty() || s.length() > 18) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    private static int indexOf(byte[] b, byte c, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] == c) {
                return i;
            }
        }
        return -1;
    }

    private static boolean equalsAscii(byte[] b, int from, int to, String s) {
        if (to - from != s.length()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (b[from + i] != s.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Whether the token bytes equal the lower-case ASCII {@code lower}, ignoring case. */
    private static boolean equalsLower(byte[] b, int from, int to, String lower) {
        if (to - from != lower.length()) {
            return false;
        }
        for (int i = 0; i < lower.length(); i++) {
            int c = b[from + i];
            if (c >= 'A' && c <= 'Z') {
                c += 'a' - 'A';
            }
            if (c != lower.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isToken(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = (char) (b[i] & 0xff);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || TCHARS.indexOf(c) >= 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
