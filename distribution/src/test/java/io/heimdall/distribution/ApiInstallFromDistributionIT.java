package io.heimdall.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the install command of {@code docs/writing-a-plugin.md} (section 1) as written, from the folder that holds the
 * built {@code heimdall/}: Maven installs heimdall-api from {@code heimdall/lib/} and {@code heimdall/lib/api/}, with
 * its pom, javadoc and sources, and nothing else of the build is needed.
 *
 * <p>Only {@code mvn} is replaced, by the repository's {@code ./mvnw} (Maven 3.9), with two flags more: the install
 * goes to a temporary local repository, and the shared one ({@code ~/.m2/repository}, given by the build as
 * {@code heimdall.maven.repo.local}) is chained behind it read-only ({@code maven.repo.local.tail}), so that the
 * install plugin is taken from it and nothing is written to it. Offline first; a machine whose shared repository lacks
 * the install plugin (it never ran an install) runs it again online, and Maven downloads it into the temporary one.
 */
class ApiInstallFromDistributionIT {

    private static final long TIMEOUT_SECONDS = 300;

    @TempDir
    Path tmp;

    @Test
    void theDocumentedInstallFileCommandInstallsTheApiFromTheDistributionAlone() throws Exception {
        Path dist = Path.of(System.getProperty("heimdall.dist", "target/heimdall")).toAbsolutePath();
        String version = System.getProperty("heimdall.version", "0.1.0-SNAPSHOT");
        assertEquals("heimdall", dist.getFileName().toString(), "the doc's paths start with heimdall/: " + dist);
        Path repository = dist.getParent().getParent().getParent();
        Path doc = repository.resolve("docs/writing-a-plugin.md");
        Path mvnw = repository.resolve("mvnw");
        assertTrue(Files.isExecutable(mvnw), "no executable " + mvnw);

        List<String> documented = installCommand(Files.readString(doc));
        assertEquals("mvn", documented.getFirst(), "the documented command: " + documented);
        String jar = "heimdall/lib/heimdall-api-" + version + ".jar";
        assertTrue(documented.contains("-Dfile=" + jar), doc + " must install " + jar + " (the build's version): "
                + documented);

        Path local = tmp.resolve("repository");
        Path shared = Path.of(System.getProperty("heimdall.maven.repo.local",
                Path.of(System.getProperty("user.home"), ".m2", "repository").toString()));
        List<String> command = new ArrayList<>(List.of(mvnw.toString(), "-B", "-ntp",
                "-Dmaven.repo.local=" + local, "-Dmaven.repo.local.tail=" + shared));
        command.addAll(documented.subList(1, documented.size()));
        Path log = tmp.resolve("mvn.log");
        List<String> offline = new ArrayList<>(command);
        offline.add(1, "-o");
        int exit = run(offline, dist.getParent(), log);
        if (exit != 0 && Files.readString(log).contains("offline mode")) {
            // The install plugin is not in the shared repository yet: let Maven download it, into the temporary one.
            exit = run(command, dist.getParent(), log);
        }
        assertEquals(0, exit, String.join(" ", command) + "\n" + tail(log));

        Path installed = local.resolve("io/heimdall/heimdall-api").resolve(version);
        Map<String, String> shipped = Map.of(
                "heimdall-api-" + version + ".jar", "lib/heimdall-api-" + version + ".jar",
                "heimdall-api-" + version + ".pom", "lib/api/heimdall-api-" + version + ".pom",
                "heimdall-api-" + version + "-javadoc.jar", "lib/api/heimdall-api-" + version + "-javadoc.jar",
                "heimdall-api-" + version + "-sources.jar", "lib/api/heimdall-api-" + version + "-sources.jar");
        for (Map.Entry<String, String> file : shipped.entrySet()) {
            Path copy = installed.resolve(file.getKey());
            assertTrue(Files.isRegularFile(copy), "not installed: " + copy + "\n" + tail(log));
            assertEquals(-1L, Files.mismatch(copy, dist.resolve(file.getValue())), copy + " differs from "
                    + file.getValue());
        }
    }

    /**
     * Runs {@code command} in {@code folder} on this JVM's Java (JAVA_HOME), its output in {@code log}; its exit code,
     * within the bounded wait.
     */
    static int run(List<String> command, Path folder, Path log) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(folder.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.PIPE);
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process maven = builder.start();
        maven.getOutputStream().close();
        boolean ended = maven.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        if (!ended) {
            maven.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        assertTrue(ended, "Maven still running after " + TIMEOUT_SECONDS + " s: " + tail(log));
        return maven.exitValue();
    }

    /** The ```bash block of the doc installing the API with install:install-file, as words (continuations joined). */
    private static List<String> installCommand(String markdown) {
        Matcher m = Pattern.compile("```bash\\n(.*?)```", Pattern.DOTALL).matcher(markdown);
        List<String> found = new ArrayList<>();
        while (m.find()) {
            String block = m.group(1);
            if (block.contains("install:install-file") && block.contains("-Dfile=heimdall/lib/heimdall-api-")) {
                found.add(m.group(1));
            }
        }
        assertEquals(1, found.size(), "one ```bash block installing heimdall-api in docs/writing-a-plugin.md");
        String command = found.getFirst().replace("\\\n", " ").strip();
        assertTrue(command.lines().count() == 1, "one command in the block: " + command);
        return Arrays.stream(command.split("\\s+")).toList();
    }

    /** The last 40 lines of a log, for failure messages. */
    static String tail(Path log) throws IOException {
        if (!Files.exists(log)) {
            return "(no output)";
        }
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }
}
