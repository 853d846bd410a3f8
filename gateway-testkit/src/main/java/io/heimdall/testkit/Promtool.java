package io.heimdall.testkit;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Prometheus's own exposition-format parser and linter ({@code promtool check metrics}, Debian package
 * {@code prometheus}) for tests of a {@code /metrics} scrape. CI installs it; where it is not on the PATH,
 * {@link #check} does nothing and says so through {@link #available()}.
 */
public final class Promtool {
    private Promtool() {
    }

    /** Whether {@code promtool} is on the PATH. */
    public static boolean available() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "promtool"))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Runs {@code promtool check metrics} over a scrape in the Prometheus text format.
     *
     * @throws AssertionError with promtool's output if it rejects the text (a parse error or a lint problem)
     */
    public static void check(String exposition) throws IOException, InterruptedException {
        if (!available()) {
            return;
        }
        Process p = new ProcessBuilder("promtool", "check", "metrics").redirectErrorStream(true).start();
        try (OutputStream in = p.getOutputStream()) {
            in.write(exposition.getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("promtool check metrics did not finish within 30 s");
        }
        if (p.exitValue() != 0) {
            throw new AssertionError("promtool check metrics exited " + p.exitValue() + ": " + out);
        }
    }
}
