package io.heimdall.core.internal.server;

import io.heimdall.api.GatewayException;
import io.heimdall.api.RequestContext;
import io.heimdall.api.endpoint.EndpointRequest;
import io.heimdall.api.endpoint.EndpointResponse;
import io.heimdall.api.endpoint.SseStream;
import io.heimdall.api.model.GatewayError;
import io.heimdall.core.internal.engine.DefaultRequestContext;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A plugin route's request and response over Helidon's. The core has already set the request id and authenticated the
 * caller; this view adds the body limit, header bookkeeping, and the three ways to answer (whole body, byte stream,
 * Server-Sent Events). Writes after the client left throw a 499 {@link GatewayException}.
 */
final class PluginEndpoint implements EndpointRequest, EndpointResponse {
    private final ServerRequest req;
    private final ServerResponse res;
    private final DefaultRequestContext ctx;
    private final Map<String, String> params;
    private final Supplier<byte[]> bodyReader;
    private final Runnable commitHeaders;
    private byte[] body;
    private Map<String, List<String>> query;
    private boolean committed;

    PluginEndpoint(ServerRequest req, ServerResponse res, DefaultRequestContext ctx, Map<String, String> params,
                   Supplier<byte[]> bodyReader, Runnable commitHeaders) {
        this.req = req;
        this.res = res;
        this.ctx = ctx;
        this.params = params;
        this.bodyReader = bodyReader;
        this.commitHeaders = commitHeaders;
    }

    // ------------------------------------------------------------------ request

    @Override
    public String method() {
        return req.prologue().method().text();
    }

    @Override
    public String path() {
        return req.path().path();
    }

    @Override
    public Optional<String> pathParam(String name) {
        return Optional.ofNullable(params.get(name));
    }

    @Override
    public Map<String, List<String>> query() {
        if (query == null) {
            Map<String, List<String>> q = new LinkedHashMap<>();
            for (String name : req.query().names()) {
                q.put(name, List.copyOf(req.query().all(name)));
            }
            query = Map.copyOf(q);
        }
        return query;
    }

    @Override
    public byte[] body() {
        if (body == null) {
            body = req.content().hasEntity() ? bodyReader.get() : new byte[0];
        }
        return body;
    }

    @Override
    public String clientAddress() {
        return ctx.clientAddress();
    }

    @Override
    public RequestContext context() {
        return ctx;
    }

    // ------------------------------------------------------------------ response

    @Override
    public EndpointResponse status(int status) {
        checkOpen();
        res.status(Status.create(status));
        return this;
    }

    @Override
    public EndpointResponse header(String name, String value) {
        checkOpen();
        res.header(HeaderNames.create(name), value);
        return this;
    }

    @Override
    public void send(String contentType, byte[] content) {
        commit(contentType);
        try {
            ctx.sent(content.length);
            res.send(content);
        } catch (UncheckedIOException e) {
            throw clientGone(e);
        }
    }

    @Override
    public void sendEmpty() {
        commit(null);
        res.send();
    }

    @Override
    public OutputStream stream(String contentType) {
        commit(contentType);
        return new ClientStream(res.outputStream(), ctx);
    }

    /** The response body stream; a failed write means the client left (499). */
    private static final class ClientStream extends OutputStream {
        private final OutputStream out;
        private final DefaultRequestContext ctx;

        ClientStream(OutputStream out, DefaultRequestContext ctx) {
            this.out = out;
            this.ctx = ctx;
        }

        @Override
        public void write(int b) {
            write(new byte[]{(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            try {
                out.write(b, off, len);
                ctx.sent(len);
            } catch (IOException | UncheckedIOException e) {
                throw clientGone(e);
            }
        }

        @Override
        public void flush() {
            try {
                out.flush();
            } catch (IOException | UncheckedIOException e) {
                throw clientGone(e);
            }
        }

        @Override
        public void close() {
            try {
                out.close();
            } catch (IOException | UncheckedIOException e) {
                throw clientGone(e);
            }
        }
    }

    @Override
    public SseStream sse() {
        res.header(HeaderNames.CACHE_CONTROL, "no-cache");
        res.header(HeaderNames.create("x-accel-buffering"), "no");
        ClientStream out = (ClientStream) stream("text/event-stream; charset=utf-8");
        return new SseStream() {
            @Override
            public void event(String name, String data) {
                if (name.contains("\n") || name.contains("\r")) {
                    throw new IllegalArgumentException("an event name is one line");
                }
                write("event: " + name + "\n" + dataLines(data) + "\n");
            }

            @Override
            public void data(String data) {
                write(dataLines(data) + "\n");
            }

            @Override
            public void comment(String text) {
                write(": " + text.replace("\n", " ") + "\n\n");
            }

            @Override
            public void close() {
                out.close();
            }

            private void write(String text) {
                byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
                out.write(bytes, 0, bytes.length);
                out.flush();
            }
        };
    }

    @Override
    public boolean committed() {
        return committed || res.isSent();
    }

    private static String dataLines(String data) {
        StringBuilder sb = new StringBuilder(data.length() + 8);
        for (String line : data.split("\r\n|\r|\n", -1)) {
            sb.append("data: ").append(line).append('\n');
        }
        return sb.toString();
    }

    private void commit(String contentType) {
        checkOpen();
        committed = true;
        commitHeaders.run();
        if (contentType != null) {
            res.header(HeaderNames.CONTENT_TYPE, contentType);
        }
    }

    private void checkOpen() {
        if (committed()) {
            throw new IllegalStateException("the response of request " + ctx.requestId() + " was already sent");
        }
    }

    private static GatewayException clientGone(Exception cause) {
        return new GatewayException(GatewayError.of(499, GatewayError.INVALID_REQUEST,
                "The client closed the connection", "client_closed_request"), cause);
    }
}
