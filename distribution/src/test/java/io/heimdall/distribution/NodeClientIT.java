package io.heimdall.distribution;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.heimdall.core.Gateway;
import io.heimdall.testkit.MockOpenAiServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The official OpenAI Node SDK ({@code openai} on npm, pinned in {@code src/test/node/package.json}) against an
 * in-process gateway with the built plugins, in front of a {@link MockOpenAiServer}: plain and streamed chat, a
 * streamed tool call through the SDK's stream helper, error classes, embeddings and the model list. Skipped (not
 * passed) when {@code node}/{@code npm} are missing or the SDK cannot be installed.
 */
@Timeout(240)
class NodeClientIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path tmp;
    static MockOpenAiServer mock;
    static Gateway gateway;
    static JsonNode seen;
    private static Optional<Path> installed;

    @BeforeAll
    static void run() throws Exception {
        Path project = sdkProject().orElse(null);
        assumeTrue(project != null, "node is not installed, or the OpenAI Node SDK could not be installed with npm ci");

        Path dist = Path.of(System.getProperty("heimdall.dist", "target/heimdall")).toAbsolutePath();
        mock = MockOpenAiServer.start();
        Path config = Files.writeString(tmp.resolve("heimdall.yaml"), """
                server: { port: 0 }
                providers:
                  upstream: { type: openai-compatible, base-url: "%s" }
                  local: { type: mock }
                """.formatted(mock.baseUrl()));
        gateway = Gateway.builder().config(config).pluginsDir(dist.resolve("plugins")).port(0).watchConfig(false)
                .start();

        Process p = new ProcessBuilder("node", "client-check.mjs", gateway.baseUrl() + "/v1")
                .directory(project.toFile()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(90, TimeUnit.SECONDS), "the Node client did not finish");
        assertEquals(0, p.exitValue(), "node client-check.mjs failed:\n" + output);
        String last = output.strip().lines().reduce((a, b) -> b).orElse("");
        seen = JSON.readTree(last);
    }

    /**
     * The Node project of {@code src/test/node} with the OpenAI SDK installed by {@code npm ci}, in
     * {@code target/node-client}, once per test JVM; empty when node or npm is missing or the install fails. Shared
     * with NodeNativeWiresIT.
     */
    static synchronized Optional<Path> sdkProject() throws IOException {
        if (installed == null) {
            Path project = Files.createDirectories(Path.of("target/node-client").toAbsolutePath());
            for (String f : List.of("package.json", "package-lock.json", "client-check.mjs", "native-check.mjs")) {
                Files.copy(Path.of("src/test/node").resolve(f), project.resolve(f),
                        StandardCopyOption.REPLACE_EXISTING);
            }
            installed = works(List.of("node", "--version"), project, 20) && works(List.of("npm", "ci", "--no-audit",
                    "--no-fund", "--loglevel=error"), project, 180) ? Optional.of(project) : Optional.empty();
        }
        return installed;
    }

    /** Whether a command exits 0 within the time; its output is discarded. Shared with McpDistributionIT. */
    static boolean works(List<String> command, Path dir, int seconds) {
        try {
            Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
            p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
            if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return false;
            }
            return p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (mock != null) {
            mock.close();
        }
    }

    @Test
    void plainChatWithHeaders() {
        JsonNode plain = seen.get("plain");
        assertEquals(MockOpenAiServer.echo("Hello node"), plain.get("content").asText());
        assertEquals("stop", plain.get("finish").asText());
        assertTrue(plain.get("totalTokens").asInt() > 0);
        assertTrue(plain.get("requestId").asText().startsWith("req_"));
        assertEquals("upstream/gpt-4o-mini", plain.get("provider").asText());
    }

    @Test
    void streamedChatWithUsage() {
        assertEquals(MockOpenAiServer.echo("stream me please"), seen.at("/stream/text").asText());
        assertTrue(seen.at("/stream/totalTokens").asInt() > 0);
    }

    @Test
    void streamedToolCallThroughTheSdkHelper() {
        JsonNode call = seen.get("streamedToolCall");
        assertEquals("lookup", call.get("name").asText());
        assertTrue(call.get("id").asText().startsWith("call_"));
        assertEquals(MockOpenAiServer.toolArguments("find cats"), call.get("arguments").asText());
        assertEquals("tool_calls", call.get("finish").asText());
    }

    @Test
    void errorsMapToTheSdkErrorClasses() {
        JsonNode limited = seen.get("rateLimited");
        assertEquals("RateLimitError", limited.get("error").asText());
        assertEquals(429, limited.get("status").asInt());
        assertEquals("rate_limit_error", limited.get("type").asText());
        assertFalse(limited.get("retryAfter").isNull());
        JsonNode unknown = seen.get("unknownModel");
        assertEquals("NotFoundError", unknown.get("error").asText());
        assertEquals(404, unknown.get("status").asInt());
        assertEquals("model_not_found", unknown.get("code").asText());
    }

    @Test
    void embeddingsAndModels() {
        assertEquals(2, seen.at("/embeddings/count").asInt());
        assertTrue(seen.at("/embeddings/dims").asInt() > 0);
        List<String> ids = new ArrayList<>();
        seen.get("models").forEach(m -> ids.add(m.asText()));
        assertTrue(ids.contains("local/echo"), ids.toString());
    }
}
