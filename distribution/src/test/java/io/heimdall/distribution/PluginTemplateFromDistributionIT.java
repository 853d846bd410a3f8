package io.heimdall.distribution;

import static io.heimdall.distribution.ApiInstallFromDistributionIT.run;
import static io.heimdall.distribution.ApiInstallFromDistributionIT.tail;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * "Testing with only the distribution" of {@code docs/writing-a-plugin.md}, as a user who has nothing but
 * {@code heimdall/}: every documented {@code mvn install:install-file} command (the API from {@code lib/} and
 * {@code lib/api/}, the core, the testkit and the plugin archetype from {@code lib/} and {@code sdk/}) into a fresh
 * local repository, the documented {@code mvn archetype:generate} in a folder outside the repository, {@code mvn
 * verify} of the project it created (its own test and the {@code HookContract} must pass), and the built jar dropped
 * into a plugins folder of {@code bin/heimdall}, which must load it and run its hook.
 *
 * <p>As in {@link ApiInstallFromDistributionIT}, {@code mvn} is the repository's {@code ./mvnw} with the temporary
 * local repository in front of the shared one (read-only, {@code maven.repo.local.tail}), which stands for Maven
 * Central. The documented installs put the distribution's jars into the temporary repository, which Maven asks first,
 * so the build tests against exactly those (the test checks the installed jars are the distribution's).
 */
@Timeout(600)
class PluginTemplateFromDistributionIT {

    @TempDir
    Path tmp;

    @Test
    void theArchetypesProjectBuildsPassesItsContractAndLoadsWithOnlyTheDistribution() throws Exception {
        Path dist = Path.of(System.getProperty("heimdall.dist", "target/heimdall")).toAbsolutePath();
        String version = System.getProperty("heimdall.version", "0.1.0-SNAPSHOT");
        Path repository = dist.getParent().getParent().getParent();
        Path mvnw = repository.resolve("mvnw");
        String markdown = Files.readString(repository.resolve("docs/writing-a-plugin.md"));
        Path local = tmp.resolve("repository");
        Path shared = Path.of(System.getProperty("heimdall.maven.repo.local",
                Path.of(System.getProperty("user.home"), ".m2", "repository").toString()));
        List<String> mvn = List.of(mvnw.toString(), "-B", "-ntp", "-Dmaven.repo.local=" + local,
                "-Dmaven.repo.local.tail=" + shared);

        List<List<String>> installs = documented(markdown, "mvn install:install-file");
        assertEquals(4, installs.size(), "the API, the core, the testkit and the archetype: " + installs);
        for (String artifact : List.of("heimdall-api", "heimdall-core", "heimdall-testkit",
                "heimdall-plugin-archetype")) {
            assertTrue(installs.stream().anyMatch(c -> String.join(" ", c).contains(artifact + "-" + version + ".jar")),
                    "no documented install of " + artifact + " " + version + ": " + installs);
        }
        for (List<String> documented : installs) {
            List<String> command = new ArrayList<>(mvn);
            command.addAll(documented.subList(1, documented.size()));
            maven(command, dist.getParent(), tmp.resolve("install.log"));
        }

        for (String[] shipped : new String[][] {{"heimdall-api", "lib"}, {"heimdall-core", "lib"},
                {"heimdall-testkit", "sdk"}, {"heimdall-plugin-archetype", "sdk"}}) {
            String name = shipped[0] + "-" + version + ".jar";
            Path installed = local.resolve("io/heimdall").resolve(shipped[0]).resolve(version).resolve(name);
            assertEquals(-1L, Files.mismatch(installed, dist.resolve(shipped[1]).resolve(name)),
                    installed + " is not the distribution's " + shipped[1] + "/" + name);
        }

        assertTrue(Files.isRegularFile(dist.resolve("sdk/plugin-template/pom.xml")), "no sdk/plugin-template/");
        List<List<String>> generate = documented(markdown, "mvn archetype:generate");
        assertEquals(1, generate.size(), "one documented archetype:generate: " + generate);
        List<String> create = new ArrayList<>(mvn);
        create.addAll(generate.getFirst().subList(1, generate.getFirst().size()));
        Path work = Files.createDirectories(tmp.resolve("work"));
        maven(create, work, tmp.resolve("generate.log"));
        String artifactId = option(generate.getFirst(), "artifactId");
        Path project = work.resolve(artifactId);
        String pkg = option(generate.getFirst(), "package");
        assertTrue(Files.readString(project.resolve("src/main/java/module-info.java")).contains("module " + pkg + " {"),
                "module-info.java of the generated project");
        List<String> verify = new ArrayList<>(mvn);
        verify.add("verify");
        Path log = tmp.resolve("verify.log");
        maven(verify, project, log);
        String output = Files.readString(log);
        // surefire's summary: the one "Tests run" line that ends after "Skipped: n" (per-class lines go on)
        Matcher total = Pattern.compile("(?m)^\\[INFO] Tests run: (\\d+), Failures: 0, Errors: 0, Skipped: 0$")
                .matcher(output);
        assertTrue(total.find(), "no test summary without failures:\n" + tail(log));
        int tests = Integer.parseInt(total.group(1));
        assertTrue(output.lines().anyMatch(l -> l.contains("Failures: 0, Errors: 0") && l.endsWith("$Contract")),
                "the HookContract (the nested class Contract) did not run:\n" + tail(log));
        assertTrue(markdown.contains("Tests run: " + tests + ", Failures: 0"),
                "docs/writing-a-plugin.md should say the template runs " + tests + " tests");
        String jarName = artifactId + "-" + option(generate.getFirst(), "version") + ".jar";
        Path jar = project.resolve("target").resolve(jarName);
        assertTrue(Files.isRegularFile(jar), "no " + jar);
        assertTrue(markdown.contains("cp target/" + jarName + " ../heimdall/plugins/greeting/"),
                "the doc copies another jar than the template builds: " + jarName);

        Path plugins = tmp.resolve("plugins");
        copyTree(dist.resolve("plugins/mock"), plugins.resolve("mock"));
        Files.createDirectories(plugins.resolve("greeting"));
        Files.copy(jar, plugins.resolve("greeting").resolve(jarName));
        Path config = Files.writeString(tmp.resolve("heimdall.yaml"), """
                server: { host: 127.0.0.1 }
                providers:
                  mock: { type: mock }
                plugins:
                  - { id: greeting, config: { greeting: hello } }
                """);
        DistributionSmokeIT.Gateway gateway = DistributionSmokeIT.Gateway.start(dist, tmp, "--config",
                config.toString(), "--port", "0", "--plugins-dir", plugins.toString());
        try {
            HttpResponse<String> res = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create(gateway.baseUrl() + "/v1/chat/completions"))
                    .timeout(Duration.ofSeconds(15)).header("content-type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(
                            "{\"model\":\"mock/echo\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, res.statusCode(), res.body() + gateway.output());
            assertEquals("hello", res.headers().firstValue("x-greeting").orElse("(none)"), gateway.output());
        } finally {
            gateway.process().destroy();
            gateway.process().waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** Every command of the doc's bash blocks that starts with {@code start}, as words, in the doc's order. */
    static List<List<String>> documented(String markdown, String start) {
        Matcher m = Pattern.compile("```bash\\n(.*?)```", Pattern.DOTALL).matcher(markdown);
        List<List<String>> found = new ArrayList<>();
        while (m.find()) {
            for (String line : m.group(1).replace("\\\n", " ").split("\n")) {
                if (line.strip().startsWith(start)) {
                    found.add(Arrays.stream(line.strip().split("\\s+")).toList());
                }
            }
        }
        return found;
    }

    /** The value of {@code -Dname=value} in a command. */
    private static String option(List<String> command, String name) {
        return command.stream().filter(w -> w.startsWith("-D" + name + "=")).findFirst()
                .map(w -> w.substring(name.length() + 3)).orElseThrow(() -> new AssertionError("no -D" + name
                        + " in " + command));
    }

    /**
     * Runs Maven in {@code folder} and asserts it succeeded: offline first; online again only when something was
     * missing from the shared repository (a plugin such as maven-archetype-plugin it never downloaded), as a user's
     * Maven would.
     */
    private static void maven(List<String> command, Path folder, Path log) throws IOException, InterruptedException {
        List<String> offline = new ArrayList<>(command);
        offline.add(1, "-o");
        int exit = run(offline, folder, log);
        String output = Files.readString(log);
        if (exit != 0 && (output.contains("offline mode") || output.contains("No plugin found for prefix"))) {
            exit = run(command, folder, log);
        }
        assertEquals(0, exit, String.join(" ", command) + "\n" + tail(log));
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : files.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }
}
