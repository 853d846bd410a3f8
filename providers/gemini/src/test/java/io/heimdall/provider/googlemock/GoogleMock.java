package io.heimdall.provider.googlemock;

import io.heimdall.testkit.LoopbackServer;
import io.heimdall.testkit.tck.NativeUpstream;
import io.heimdall.testkit.tck.Reply;
import io.heimdall.testkit.tck.SeenRequest;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A mock Google upstream on 127.0.0.1 speaking the Gemini REST wire format byte for byte, as Google AI Studio
 * ({@code /v1beta/models/{model}:generateContent}, {@code x-goog-api-key}) or Vertex AI
 * ({@code /v1/projects/{p}/locations/{l}/publishers/google/models/{model}:generateContent}, OAuth bearer token)
 * serve it: JSON bodies, {@code alt=sse} streams framed {@code data: ...\r\n\r\n} over chunked encoding, Google error
 * bodies. Scripted with provider-neutral {@link Reply}s; each request is decoded into a {@link SeenRequest}.
 * One request per connection ({@code Connection: close}).
 */
public final class GoogleMock implements NativeUpstream {
    /** Which Google API the mock is. */
    public enum Dialect { GEMINI, VERTEX }

    private final Dialect dialect;
    private final LoopbackServer server;
    private final Deque<Reply> queue = new ConcurrentLinkedDeque<>();
    private final List<SeenRequest> seen = new CopyOnWriteArrayList<>();
    private volatile boolean callIds;
    private final Deque<Long> tokenLifetimes = new ConcurrentLinkedDeque<>();
    private final List<String> tokenAssertions = new CopyOnWriteArrayList<>();

    private GoogleMock(Dialect dialect) {
        this.dialect = dialect;
        this.server = LoopbackServer.start(this::serve);
    }

    /** Starts a mock of the given API. */
    public static GoogleMock start(Dialect dialect) {
        return new GoogleMock(dialect);
    }

    /**
     * Whether function calls carry an {@code id} (newer API versions) or only a name (the common case). Without ids the
     * mock matches calls and results by name, as such an API does, and reports names in {@link SeenRequest}.
     */
    public GoogleMock callIds(boolean value) {
        this.callIds = value;
        return this;
    }

    /** The lifetime ({@code expires_in}, seconds) of the next token the OAuth endpoint issues; 3600 by default. */
    public GoogleMock nextTokenLifetime(long seconds) {
        tokenLifetimes.add(seconds);
        return this;
    }

    /** How many tokens the OAuth endpoint ({@code POST /token}) issued. */
    public int tokenFetches() {
        return tokenAssertions.size();
    }

    /** The signed JWT assertions received by the OAuth endpoint, oldest first. */
    public List<String> tokenAssertions() {
        return List.copyOf(tokenAssertions);
    }

    /** The OAuth 2 token endpoint's URL (for a service account's {@code token_uri}). */
    public String tokenUri() {
        return baseUrl() + "/token";
    }

    @Override
    public String baseUrl() {
        return "http://127.0.0.1:" + server.port();
    }

    @Override
    public void enqueue(Reply reply) {
        queue.add(reply);
    }

    @Override
    public List<SeenRequest> requests() {
        return List.copyOf(seen);
    }

    @Override
    public void reset() {
        queue.clear();
        seen.clear();
        tokenLifetimes.clear();
        tokenAssertions.clear();
    }

    @Override
    public void close() {
        server.close();
    }

    private void serve(LoopbackServer.Request request, Socket socket) throws IOException {
        Map<String, List<String>> headers = request.headers();
        String body = request.text();
        String[] parts = {request.method(), request.path()};
        GeminiWireCodec.Route route = GeminiWireCodec.route(dialect, parts[0], parts[1]);
        OutputStream out = socket.getOutputStream();
        if (parts[0].equals("POST") && parts[1].equals("/token")) {
            write(out, token(body));
            return;
        }
        if (route.kind() == GeminiWireCodec.Kind.UNKNOWN) {
            write(out, GeminiWireCodec.error(404, "NOT_FOUND", "Unknown path " + parts[1], null));
            return;
        }
        seen.add(GeminiWireCodec.decode(parts[0], parts[1], headers, route, body, callIds));
        if (dialect == Dialect.VERTEX && GeminiWireCodec.hasCallIds(body)) {
            // Vertex AI v1's FunctionCall and FunctionResponse have no id field: an unknown field is a 400
            write(out, GeminiWireCodec.error(400, "INVALID_ARGUMENT", "Invalid JSON payload received. Unknown "
                    + "name \"id\" at 'contents': Cannot find field.", null));
            return;
        }
        GeminiWireCodec.Answer answer = switch (route.kind()) {
            case GENERATE, STREAM -> {
                Reply reply = queue.poll();
                yield GeminiWireCodec.render(reply == null ? GeminiWireCodec.DEFAULT : reply,
                        route.kind() == GeminiWireCodec.Kind.STREAM, route.model(), callIds, dialect);
            }
            default -> GeminiWireCodec.serveOther(route, body, dialect);
        };
        if (answer != null) {
            write(out, answer);
        }
    }

    /** RFC 6749 / RFC 7523: a JWT-bearer grant answered with a bearer token. */
    private GeminiWireCodec.Answer token(String form) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String pair : form.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                fields.put(java.net.URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        String assertion = fields.getOrDefault("assertion", "");
        if (!"urn:ietf:params:oauth:grant-type:jwt-bearer".equals(fields.get("grant_type"))
                || assertion.split("\\.").length != 3) {
            return new GeminiWireCodec.Answer(400, Map.of(), "{\"error\":\"invalid_grant\"}", null, false);
        }
        tokenAssertions.add(assertion);
        Long lifetime = tokenLifetimes.poll();
        return new GeminiWireCodec.Answer(200, Map.of(), "{\"access_token\":\"ya29.mock-token-" + tokenAssertions.size()
                + "\",\"expires_in\":" + (lifetime == null ? 3600 : lifetime) + ",\"token_type\":\"Bearer\"}", null,
                false);
    }

    private static void write(OutputStream out, GeminiWireCodec.Answer a) throws IOException {
        StringBuilder head = new StringBuilder("HTTP/1.1 ").append(a.status()).append(' ')
                .append(a.status() == 200 ? "OK" : "Error").append("\r\n");
        a.headers().forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
        head.append("Connection: close\r\n");
        if (a.events() != null) {
            head.append("Content-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n");
            out.write(head.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            for (String event : a.events()) {
                byte[] bytes = event.getBytes(StandardCharsets.UTF_8);
                out.write((Integer.toHexString(bytes.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(bytes);
                out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
            if (!a.cut()) {
                out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            }
        } else {
            byte[] bytes = a.body().getBytes(StandardCharsets.UTF_8);
            head.append("Content-Type: application/json; charset=UTF-8\r\nContent-Length: ").append(bytes.length)
                    .append("\r\n\r\n");
            out.write(head.toString().getBytes(StandardCharsets.UTF_8));
            out.write(bytes);
        }
        out.flush();
    }
}
