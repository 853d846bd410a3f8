package io.heimdall.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.heimdall.core.Gateway;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The "company plugin" path of {@code docs/writing-a-plugin.md}, end to end: the doc's own {@code module-info.java}
 * and {@code GuardHookFactory.java}, taken from the Markdown at test time, are compiled in a folder outside the
 * repository against nothing but {@code target/heimdall/lib/heimdall-api-*.jar} (release 25), jarred with the JDK's
 * {@code jar} tool, dropped into a plugins folder next to copies of the shipped plugin folders, configured as the doc
 * says, and exercised over HTTP with the doc's own request. A second folder holds a plugin whose module-info requires a
 * module that does not exist: it must be reported, and must not stop the gateway.
 */
@Timeout(120)
class PluginFromOutsideIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(15);

    @TempDir
    static Path tmp;

    static Path dist;
    static Path doc;
    static Path apiJar;
    static Path plugins;
    static Gateway gateway;
    static final String ACME_KEY = "acme-key-canary-0123456789abcdef";
    static HttpClient http;

    @BeforeAll
    static void buildThePluginsAndStart() throws Exception {
        dist = Path.of(System.getProperty("heimdall.dist", "target/heimdall")).toAbsolutePath();
        Path repo = dist.getParent().getParent().getParent();
        doc = repo.resolve("docs/writing-a-plugin.md");
        assertTrue(Files.isRegularFile(doc), "no " + doc);
        assertFalse(tmp.toRealPath().startsWith(repo.toRealPath()), "the temp folder must be outside the repo: " + tmp);
        try (Stream<Path> lib = Files.list(dist.resolve("lib"))) {
            List<Path> api = lib.filter(p -> p.getFileName().toString().matches("heimdall-api-.*\\.jar")).toList();
            assertEquals(1, api.size(), "lib/heimdall-api-*.jar: " + api);
            apiJar = api.getFirst();
        }

        // 1. acme-guard, from the doc's code blocks, in a project folder of its own.
        String markdown = Files.readString(doc);
        Path project = tmp.resolve("acme-guard");
        Path sources = project.resolve("src/main/java");
        Files.createDirectories(sources.resolve("com/acme/guard"));
        Files.writeString(sources.resolve("module-info.java"), codeBlock(markdown, "module com.acme.guard"));
        Files.writeString(sources.resolve("com/acme/guard/GuardFactory.java"),
                codeBlock(markdown, "class GuardFactory"));
        Path guardClasses = compile(sources, project.resolve("out"), apiJar.toString());
        plugins = Files.createDirectories(tmp.resolve("plugins"));
        jar(guardClasses, Files.createDirectories(plugins.resolve("acme-guard")).resolve("acme-guard.jar"));

        // 2. acme-broken: requires com.acme.missing, which is compiled against but not shipped.
        Path missingSources = tmp.resolve("missing/src");
        write(missingSources.resolve("module-info.java"), "module com.acme.missing { exports com.acme.missing; }");
        write(missingSources.resolve("com/acme/missing/Helper.java"),
                "package com.acme.missing; public final class Helper { private Helper() { } "
                        + "public static String word() { return \"x\"; } }");
        Path missingClasses = compile(missingSources, tmp.resolve("missing/out"), apiJar.toString());
        Path brokenSources = tmp.resolve("broken/src");
        write(brokenSources.resolve("module-info.java"), """
                module com.acme.broken {
                    requires io.heimdall.api;
                    requires com.acme.missing;
                    provides io.heimdall.api.plugin.PluginFactory with com.acme.broken.BrokenHookFactory;
                }""");
        write(brokenSources.resolve("com/acme/broken/BrokenHookFactory.java"), """
                package com.acme.broken;
                public final class BrokenHookFactory implements io.heimdall.api.plugin.PluginFactory {
                    public BrokenHookFactory() {
                    }
                    @Override public String id() { return "acme-broken-" + com.acme.missing.Helper.word(); }
                    @Override public io.heimdall.api.plugin.Plugin create(io.heimdall.api.plugin.PluginConfig config,
                            io.heimdall.api.plugin.PluginContext context) {
                        return new io.heimdall.api.plugin.Plugin() { };
                    }
                }""");
        Path brokenClasses = compile(brokenSources, tmp.resolve("broken/out"),
                apiJar + java.io.File.pathSeparator + missingClasses);
        jar(brokenClasses, Files.createDirectories(plugins.resolve("acme-broken")).resolve("acme-broken.jar"));

        // 3. The shipped plugin folders, copied next to them.
        try (Stream<Path> shipped = Files.list(dist.resolve("plugins"))) {
            for (Path folder : shipped.toList()) {
                Path target = Files.createDirectories(plugins.resolve(folder.getFileName()));
                try (Stream<Path> files = Files.list(folder)) {
                    for (Path f : files.toList()) {
                        Files.copy(f, target.resolve(f.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
                    }
                }
            }
        }

        // 4. The doc's config snippet.
        String pluginsYaml = codeBlockAfter(markdown, "```yaml", "id: acme-guard");
        Path config = Files.writeString(tmp.resolve("heimdall.yaml"), """
                server: { host: 127.0.0.1, port: 0 }
                providers:
                  mock: { type: mock }
                models:
                  default: { targets: [ mock/echo ] }
                """ + pluginsYaml + """
                  - { id: example-header-hook, config: { header: x-company, value: acme } }
                """);
        gateway = Gateway.builder().config(config).pluginsDir(plugins).port(0).watchConfig(false)
                .environment(Map.of("ACME_KEY", ACME_KEY)).start();
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    @AfterAll
    static void stop() {
        if (http != null) {
            http.close();
        }
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void theDocsPluginRejectsRestrictedWordsExactlyAsDocumented() throws Exception {
        String markdown = Files.readString(doc);
        // The doc's own example: curl ... -d '<body>' followed by "# <the answer>".
        Matcher example = Pattern.compile("-d '(\\{[^']*Project-X[^']*})'\\s*\\n# (\\{.*})").matcher(markdown);
        assertTrue(example.find(), "the doc's curl example with its answer");
        HttpResponse<String> rejected = post(example.group(1), "doc-example-1");
        assertEquals(400, rejected.statusCode(), rejected.body());
        assertEquals(JSON.readTree(example.group(2)), JSON.readTree(rejected.body()), "the answer the doc shows");
        assertEquals("doc-example-1", rejected.headers().firstValue("x-request-id").orElseThrow());

        // Any message, any case, any of the words; a stream is refused before it starts.
        for (String body : List.of(
                chatBody(false, Map.of("role", "system", "content", "Never mention FALCON."),
                        Map.of("role", "user", "content", "hi")),
                chatBody(true, Map.of("role", "user", "content", "status of project-x?")),
                chatBody(false, Map.of("role", "user", "content", List.of(
                        Map.of("type", "text", "text", "part one"),
                        Map.of("type", "text", "text", "the Falcon part")))))) {
            HttpResponse<String> res = post(body, null);
            assertEquals(400, res.statusCode(), body + " -> " + res.body());
            JsonNode error = JSON.readTree(res.body()).path("error");
            assertEquals("restricted_topic", error.path("code").asText(), res.body());
            assertEquals("invalid_request_error", error.path("type").asText(), res.body());
            assertTrue(error.has("param") && error.get("param").isNull(), res.body());
            assertTrue(res.headers().firstValue("content-type").orElse("").startsWith("application/json"));
        }
    }

    @Test
    void otherRequestsPassThroughTheGuardAndTheShippedHook() throws Exception {
        HttpResponse<String> res = post(chatBody(false, Map.of("role", "user", "content", "tell me about eagles")),
                null);
        assertEquals(200, res.statusCode(), res.body());
        assertEquals("Echo: tell me about eagles", JSON.readTree(res.body()).at("/choices/0/message/content").asText());
        assertEquals("acme", res.headers().firstValue("x-company").orElseThrow(), "example-header-hook ran too");

        HttpResponse<String> stream = post(chatBody(true, Map.of("role", "user", "content", "eagles again")), null);
        assertEquals(200, stream.statusCode(), stream.body());
        assertTrue(stream.body().endsWith("data: [DONE]\n\n"), stream.body());
        StringBuilder streamed = new StringBuilder();
        for (String event : stream.body().split("\n\n")) {
            if (event.startsWith("data: {")) {
                streamed.append(JSON.readTree(event.substring(6)).at("/choices/0/delta/content").asText(""));
            }
        }
        assertEquals("Echo: eagles again", streamed.toString());
    }

    @Test
    void theDocsRouteCountsRefusalsBehindTheDocsAuthenticator() throws Exception {
        String markdown = Files.readString(doc);
        long before = JSON.readTree(get("/acme/guard/stats", ACME_KEY).body()).path("refused").asLong(-1);
        assertTrue(before >= 0, "the route answers with a count");
        assertEquals(400, post(chatBody(false, Map.of("role", "user", "content", "falcon?")), null).statusCode());
        HttpResponse<String> stats = get("/acme/guard/stats", ACME_KEY);
        assertEquals(200, stats.statusCode(), stats.body());
        assertEquals(before + 1, JSON.readTree(stats.body()).path("refused").asLong(), stats.body());
        assertTrue(stats.headers().firstValue("x-request-id").isPresent(), "plugin routes get a request id");

        // No key: 401 exactly as the doc shows; a wrong key: 401 too, and the key is never echoed.
        Matcher example = Pattern.compile("curl -s localhost:8080/acme/guard/stats\\n# (\\{.*})").matcher(markdown);
        assertTrue(example.find(), "the doc's unauthenticated example");
        HttpResponse<String> anonymous = get("/acme/guard/stats", null);
        assertEquals(401, anonymous.statusCode(), anonymous.body());
        assertEquals(JSON.readTree(example.group(1)), JSON.readTree(anonymous.body()));
        HttpResponse<String> wrong = get("/acme/guard/stats", "sk-wrong-canary-0000");
        assertEquals(401, wrong.statusCode(), wrong.body());
        assertFalse(wrong.body().contains("canary"), wrong.body());
        HttpResponse<String> chat = http.send(HttpRequest.newBuilder(URI.create(gateway.baseUrl()
                + "/v1/chat/completions")).timeout(TIMEOUT).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(chatBody(false, Map.of("role", "user", "content", "hi"))))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(401, chat.statusCode(), "the core's routes are authenticated too: " + chat.body());
    }

    @Test
    void theGuardAndTheShippedPluginsAreLoadedSideBySide() {
        Map<String, List<String>> factories = gateway.loadedFactories();
        assertTrue(factories.get("plugin").containsAll(List.of("acme-guard", "example-header-hook")),
                factories.toString());
        assertTrue(factories.get("provider").containsAll(List.of("mock", "openai", "openai-compatible")),
                factories.toString());
    }

    @Test
    void theBrokenPluginIsReportedWithItsFolderAndTheMissingModuleAndTheGatewayServes() throws Exception {
        List<String> failures = gateway.pluginFailures();
        assertEquals(1, failures.size(), failures.toString());
        String failure = failures.getFirst();
        assertEquals("acme-broken: Module com.acme.missing not found, required by com.acme.broken", failure);
        assertFalse(gateway.loadedFactories().get("plugin").stream().anyMatch(id -> id.startsWith("acme-broken")));

        HttpResponse<String> res = post(chatBody(false, Map.of("role", "user", "content", "still serving")), null);
        assertEquals(200, res.statusCode(), res.body());
    }

    @Test
    void aConfigNamingTheBrokenPluginSaysWhyItIsMissing() throws IOException {
        Path config = Files.writeString(tmp.resolve("uses-broken.yaml"), """
                server: { host: 127.0.0.1, port: 0 }
                providers:
                  mock: { type: mock }
                plugins:
                  - { id: acme-broken }
                """);
        Gateway.GatewayStartException e = assertThrows(Gateway.GatewayStartException.class,
                () -> Gateway.builder().config(config).pluginsDir(plugins).port(0).watchConfig(false).start().close());
        String problems = String.join("\n", e.problems());
        assertTrue(problems.contains("plugins[0].id") && problems.contains("acme-broken"), problems);
        assertTrue(problems.contains("com.acme.missing"), "says why the folder failed: " + problems);
    }

    @Test
    void theGuardsConfigIsValidatedWithItsPath() throws IOException {
        Path config = Files.writeString(tmp.resolve("bad-guard.yaml"), """
                server: { host: 127.0.0.1, port: 0 }
                providers:
                  mock: { type: mock }
                plugins:
                  - { id: acme-guard, config: { wrods: [ falcon ] } }
                """);
        Gateway.GatewayStartException e = assertThrows(Gateway.GatewayStartException.class,
                () -> Gateway.builder().config(config).pluginsDir(plugins).port(0).watchConfig(false).start().close());
        String problems = String.join("\n", e.problems());
        assertTrue(problems.contains("plugins[0].config.wrods"), problems);
        assertTrue(problems.contains("plugins[0].config.words"), "the required key is missing: " + problems);
    }

    // ------------------------------------------------------------------------------------------------ helpers

    /** The fenced java block of the Markdown that contains {@code marker}. */
    private static String codeBlock(String markdown, String marker) {
        Matcher m = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL).matcher(markdown);
        List<String> found = new ArrayList<>();
        while (m.find()) {
            if (m.group(1).contains(marker)) {
                found.add(m.group(1));
            }
        }
        assertEquals(1, found.size(), "one ```java block containing '" + marker + "' in " + doc);
        return found.getFirst();
    }

    /** The fenced block opened by {@code fence} that contains {@code marker}. */
    private static String codeBlockAfter(String markdown, String fence, String marker) {
        Matcher m = Pattern.compile(Pattern.quote(fence) + "\\n(.*?)```", Pattern.DOTALL).matcher(markdown);
        while (m.find()) {
            if (m.group(1).contains(marker)) {
                return m.group(1);
            }
        }
        throw new AssertionError("no " + fence + " block containing '" + marker + "' in " + doc);
    }

    private static void write(Path file, String content) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
    }

    /** Compiles every .java file under {@code sources} as one module, against {@code modulePath} only. */
    private static Path compile(Path sources, Path out, String modulePath) throws IOException {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertTrue(javac != null, "no system Java compiler (a JRE?)");
        List<Path> files;
        try (Stream<Path> walk = Files.walk(sources)) {
            files = walk.filter(p -> p.toString().endsWith(".java")).toList();
        }
        Files.createDirectories(out);
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        StringWriter output = new StringWriter();
        try (StandardJavaFileManager fm = javac.getStandardFileManager(diagnostics, Locale.ROOT,
                StandardCharsets.UTF_8)) {
            boolean ok = javac.getTask(output, fm, diagnostics,
                    List.of("--release", "25", "--module-path", modulePath, "-d", out.toString(), "-Xlint:all"),
                    null, fm.getJavaFileObjectsFromPaths(files)).call();
            StringBuilder report = new StringBuilder(output.toString());
            diagnostics.getDiagnostics().forEach(d -> report.append('\n').append(d));
            assertTrue(ok, "javac failed for " + sources + ":" + report);
            assertTrue(diagnostics.getDiagnostics().isEmpty(), "javac warnings for " + sources + ":" + report);
        }
        return out;
    }

    private static void jar(Path classes, Path jar) {
        java.util.spi.ToolProvider tool = java.util.spi.ToolProvider.findFirst("jar").orElseThrow(
                () -> new AssertionError("no jar tool in this JDK"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code;
        try (PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8)) {
            code = tool.run(ps, ps, "--create", "--file", jar.toString(), "-C", classes.toString(), ".");
        }
        assertEquals(0, code, "jar failed: " + out.toString(StandardCharsets.UTF_8));
        assertTrue(Files.isRegularFile(jar), "no " + jar);
    }

    private static String chatBody(boolean stream, Object... messages) throws IOException {
        return JSON.writeValueAsString(Map.of("model", "mock/echo", "stream", stream, "messages", List.of(messages)));
    }

    private static HttpResponse<String> get(String path, String key) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gateway.baseUrl() + path)).timeout(TIMEOUT);
        if (key != null) {
            b.header("authorization", "Bearer " + key);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(String body, String requestId) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/v1/chat/completions"))
                .timeout(TIMEOUT).header("content-type", "application/json").header("x-api-key", ACME_KEY)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (requestId != null) {
            b.header("x-request-id", requestId);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
