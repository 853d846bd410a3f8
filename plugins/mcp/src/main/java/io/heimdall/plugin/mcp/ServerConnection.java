package io.heimdall.plugin.mcp;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientSseClientTransport;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.client.transport.customizer.McpSyncHttpClientRequestCustomizer;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.jackson3.JacksonMcpJsonMapper;
import io.modelcontextprotocol.json.schema.jackson3.DefaultJsonSchemaValidator;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpSchema;
import tools.jackson.databind.json.JsonMapper;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One live connection to an MCP server, kept up by a supervisor thread: it connects, lists the tools, follows
 * {@code notifications/tools/list_changed}, pings at an interval (and watches a stdio server's process), and when the
 * server dies withdraws its tools and reconnects with exponential backoff. Thread-safe.
 */
final class ServerConnection implements AutoCloseable {
    /** The SDK's JSON mapper over a private Jackson 3 mapper (no service lookup across layers). */
    static final McpJsonMapper MAPPER = new JacksonMcpJsonMapper(JsonMapper.builder().build());
    private static final Object CHECK = new Object();
    private static final Object CLOSE = new Object();
    private static final Duration PING_TIMEOUT = Duration.ofSeconds(5);

    private final ServerSettings.Link link;
    private final System.Logger log;
    private final LinkedBlockingQueue<Object> wake = new LinkedBlockingQueue<>();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private final AtomicLong connects = new AtomicLong();
    private volatile McpSyncClient client;
    private volatile List<McpSchema.Tool> tools = List.of();
    private volatile boolean closed;
    private volatile String lastError = "";
    private Thread supervisor;

    ServerConnection(ServerSettings.Link link, System.Logger log) {
        this.link = link;
        this.log = log;
    }

    /** Starts connecting in the background. */
    synchronized void start() {
        if (supervisor == null) {
            supervisor = Thread.ofVirtual().name("mcp-" + link.name()).start(this::supervise);
        }
    }

    /** The server's name. */
    String name() {
        return link.name();
    }

    /** Whether the server is connected now. */
    boolean up() {
        return client != null;
    }

    /** How many times a connection was established (1 after the first). */
    long connects() {
        return connects.get();
    }

    /** Why the last connection attempt failed or ended; empty if none did. */
    String lastError() {
        return lastError;
    }

    /** The server's tools while connected; empty while it is down. */
    List<McpSchema.Tool> tools() {
        return tools;
    }

    /** Runs {@code listener} whenever the tool list changes (connect, list_changed, withdrawal). */
    void onToolsChanged(Runnable listener) {
        listeners.add(listener);
    }

    /** Removes a listener. */
    void removeListener(Runnable listener) {
        listeners.remove(listener);
    }

    /**
     * Calls a tool by the server's own name.
     *
     * @throws IllegalStateException if the server is not connected
     */
    McpSchema.CallToolResult call(String tool, Map<String, Object> arguments) {
        McpSyncClient c = client;
        if (c == null) {
            throw new IllegalStateException("MCP server '" + link.name() + "' is not connected");
        }
        try {
            return c.callTool(new McpSchema.CallToolRequest(tool, arguments));
        } catch (io.modelcontextprotocol.spec.McpError e) {
            throw e;
        } catch (RuntimeException e) {
            wake.offer(CHECK);  // a transport failure: check the connection now rather than at the next ping
            throw e;
        }
    }

    private void supervise() {
        Duration backoff = link.initialBackoff();
        while (!closed) {
            McpSyncClient c = null;
            try {
                c = connect();
                if (closed) {
                    break;
                }
                client = c;
                setTools(listAll(c));
                connects.incrementAndGet();
                backoff = link.initialBackoff();
                log.log(System.Logger.Level.INFO, "MCP server ''{0}'' connected ({1}): {2} tools", link.name(),
                        link.describe(), tools.size());
                watch(c);
            } catch (InterruptedException e) {
                break;
            } catch (RuntimeException e) {
                Throwable root = io.modelcontextprotocol.spec.McpError.findRootCause(e);
                lastError = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
                if (!closed) {
                    log.log(System.Logger.Level.WARNING, "MCP server ''{0}'' ({1}) is unavailable: {2}; its tools "
                            + "are withdrawn, reconnecting in {3} ms", link.name(), link.describe(), lastError,
                            backoff.toMillis());
                }
            } finally {
                client = null;
                setTools(List.of());
                closeQuietly(c);
            }
            if (closed || !sleep(backoff)) {
                break;
            }
            backoff = backoff.multipliedBy(2).compareTo(link.maxBackoff()) > 0 ? link.maxBackoff()
                    : backoff.multipliedBy(2);
        }
    }

    /** Waits for the connection to end: a ping fails, the process exits, or the connection is closed. */
    private void watch(McpSyncClient c) throws InterruptedException {
        while (!closed) {
            Object signal = wake.poll(link.pingInterval().toMillis(), TimeUnit.MILLISECONDS);
            if (closed || signal == CLOSE) {
                return;
            }
            if (signal == c) {
                throw new IllegalStateException("the server process exited");
            }
            if (signal == null || signal == CHECK) {
                ping(c);
            }
        }
    }

    private static void ping(McpSyncClient c) throws InterruptedException {
        try {
            CompletableFuture.supplyAsync(c::ping, Thread::startVirtualThread)
                    .get(PING_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("ping failed: " + e.getCause().getMessage(), e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("no answer to a ping within " + PING_TIMEOUT.toSeconds() + " s");
        }
    }

    /** Waits, returning false if the connection was closed meanwhile. */
    private boolean sleep(Duration d) {
        long end = System.nanoTime() + d.toNanos();
        try {
            while (!closed) {
                long left = end - System.nanoTime();
                if (left <= 0) {
                    return true;
                }
                wake.poll(left, TimeUnit.NANOSECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return false;
    }

    private McpSyncClient connect() {
        McpClientTransport transport = transport();
        AtomicReference<McpSyncClient> self = new AtomicReference<>();
        Duration init = link.requestTimeout().compareTo(Duration.ofSeconds(20)) > 0 ? Duration.ofSeconds(20)
                : link.requestTimeout();
        McpSyncClient c = McpClient.sync(transport)
                .requestTimeout(link.requestTimeout())
                .initializationTimeout(init)
                .clientInfo(new McpSchema.Implementation("heimdall", "Heimdall gateway", "0.1.0"))
                .jsonSchemaValidator(new DefaultJsonSchemaValidator(JsonMapper.builder().build()))
                .toolsChangeConsumer(list -> {
                    if (self.get() != null && self.get() == client) {
                        setTools(list);
                    }
                })
                .build();
        self.set(c);
        try {
            c.initialize();
        } catch (RuntimeException e) {
            closeQuietly(c);
            throw e;
        }
        if (transport instanceof StdioClientTransport stdio) {
            Thread.ofVirtual().name("mcp-" + link.name() + "-exit").start(() -> {
                try {
                    stdio.awaitForExit();
                } catch (RuntimeException ignored) {
                    // interrupted or never started: the ping notices
                }
                wake.offer(c);
            });
        }
        return c;
    }

    private McpClientTransport transport() {
        if (link.url().isEmpty()) {
            List<String> cmd = link.command();
            ServerParameters params = ServerParameters.builder(cmd.getFirst()).args(cmd.subList(1, cmd.size()))
                    .env(link.env()).build();
            StdioClientTransport stdio = new StdioClientTransport(params, MAPPER);
            stdio.setStdErrorHandler(line -> log.log(System.Logger.Level.DEBUG, "MCP server ''{0}'' stderr: {1}",
                    link.name(), line));
            return stdio;
        }
        URI uri = URI.create(link.url().orElseThrow());
        String base = uri.getScheme() + "://" + uri.getRawAuthority();
        String path = (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        Map<String, String> headers = link.headers();
        McpSyncHttpClientRequestCustomizer addHeaders = (builder, method, target, body, context) ->
                headers.forEach(builder::setHeader);
        if ("sse".equals(link.transport())) {
            return HttpClientSseClientTransport.builder(base).sseEndpoint(path).jsonMapper(MAPPER)
                    .httpRequestCustomizer(addHeaders).connectTimeout(Duration.ofSeconds(10)).build();
        }
        return HttpClientStreamableHttpTransport.builder(base).endpoint(path).jsonMapper(MAPPER)
                .httpRequestCustomizer(addHeaders).connectTimeout(Duration.ofSeconds(10)).build();
    }

    private static List<McpSchema.Tool> listAll(McpSyncClient c) {
        List<McpSchema.Tool> all = new ArrayList<>();
        String cursor = null;
        do {
            McpSchema.ListToolsResult page = cursor == null ? c.listTools() : c.listTools(cursor);
            all.addAll(page.tools());
            cursor = page.nextCursor();
        } while (cursor != null && !cursor.isEmpty());
        return List.copyOf(all);
    }

    private void setTools(List<McpSchema.Tool> value) {
        List<McpSchema.Tool> next = List.copyOf(value);
        if (next.equals(tools)) {
            return;
        }
        tools = next;
        for (Runnable l : listeners) {
            try {
                l.run();
            } catch (RuntimeException e) {
                log.log(System.Logger.Level.WARNING, "tool list listener failed", e);
            }
        }
    }

    private void closeQuietly(McpSyncClient c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (RuntimeException e) {
            log.log(System.Logger.Level.DEBUG, "closing MCP server ''{0}'': {1}", link.name(), e.toString());
        }
    }

    /** Stops the supervisor and closes the connection (ending a stdio server's process). */
    @Override
    public void close() {
        closed = true;
        wake.offer(CLOSE);
        Thread t;
        synchronized (this) {
            t = supervisor;
        }
        if (t != null) {
            try {
                t.join(Duration.ofSeconds(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        closeQuietly(client);
        client = null;
    }
}
