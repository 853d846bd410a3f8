package io.heimdall.plugin.mcp;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real MCP servers the tests talk to: {@code @modelcontextprotocol/server-everything} at the version the pom pins,
 * installed once from the npm registry into {@code target/npm}, and a tiny stdio server ({@code toy-server.mjs}) on
 * the SDK it brings. Tests are skipped only when {@code node} or {@code npm} is missing.
 */
final class NodeServers {
    private static final String PACKAGE = "@modelcontextprotocol/server-everything";
    private static Path dir;

    private NodeServers() {
    }

    /** Installs the servers (once per JVM), or skips the test without node and npm. */
    static synchronized Path install() throws IOException, InterruptedException {
        Assumptions.assumeTrue(onPath("node") && onPath("npm"), "node and npm are needed for the MCP tests");
        if (dir != null) {
            return dir;
        }
        String version = System.getProperty("mcp.everything.version", "2026.8.31");
        Path target = Path.of(System.getProperty("mcp.npm.dir", "target/npm")).toAbsolutePath();
        Path pkg = target.resolve("node_modules/" + PACKAGE + "/package.json");
        if (!Files.exists(pkg) || !Files.readString(pkg).contains("\"version\": \"" + version + "\"")) {
            Files.createDirectories(target);
            Process p = new ProcessBuilder("npm", "install", "--prefix", target.toString(), "--no-audit", "--no-fund",
                    "--loglevel=error", PACKAGE + "@" + version).redirectErrorStream(true)
                    .redirectOutput(target.resolve("npm-install.log").toFile()).start();
            if (!p.waitFor(180, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IOException("npm install failed: " + Files.readString(target.resolve("npm-install.log")));
            }
        }
        try (InputStream in = NodeServers.class.getResourceAsStream("/toy-server.mjs")) {
            Files.copy(in, target.resolve("toy-server.mjs"), StandardCopyOption.REPLACE_EXISTING);
        }
        dir = target;
        return dir;
    }

    /** The command line of server-everything over stdio. */
    static List<String> everythingStdio() throws IOException, InterruptedException {
        return List.of("node", install().resolve("node_modules/" + PACKAGE + "/dist/index.js").toString(), "stdio");
    }

    /** The command line of the toy server. */
    static List<String> toy() throws IOException, InterruptedException {
        return List.of("node", install().resolve("toy-server.mjs").toString());
    }

    /** Starts server-everything over Streamable HTTP on a port; its endpoint is {@code /mcp}. */
    static Process everythingHttp(int port) throws IOException, InterruptedException {
        return everything("streamableHttp", port);
    }

    /**
     * Starts server-everything on a port with a transport: {@code streamableHttp} (endpoint {@code /mcp}) or
     * {@code sse} (the legacy transport, endpoint {@code /sse}), and waits until the port accepts connections.
     */
    static Process everything(String transport, int port) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("node",
                install().resolve("node_modules/" + PACKAGE + "/dist/index.js").toString(), transport);
        pb.environment().put("PORT", Integer.toString(port));
        pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        Process p = pb.start();
        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < end) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return p;
            } catch (IOException e) {
                if (!p.isAlive()) {
                    throw new IOException("server-everything exited with " + p.exitValue());
                }
                Thread.sleep(100);
            }
        }
        p.destroyForcibly();
        throw new IOException("server-everything did not open port " + port);
    }

    /** A port that was free a moment ago. */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static boolean onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String d : path.split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(d, program))) {
                return true;
            }
        }
        return false;
    }
}
