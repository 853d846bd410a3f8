package io.heimdall.core;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Broken plugin folders are reported by name and reason; the gateway starts without them. */
class PluginLoadingTest {
    @Test
    void brokenFoldersAreReportedAndTheGatewayStillStarts(@TempDir Path dir) throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        Files.createDirectories(plugins.resolve("empty"));
        Path corrupt = Files.createDirectories(plugins.resolve("corrupt"));
        Files.write(corrupt.resolve("corrupt.jar"), new byte[]{1, 2, 3, 4});
        Path noServices = Files.createDirectories(plugins.resolve("no-services"));
        Manifest mf = new Manifest();
        mf.getMainAttributes().putValue("Manifest-Version", "1.0");
        mf.getMainAttributes().putValue("Automatic-Module-Name", "com.example.nothing");
        try (OutputStream out = Files.newOutputStream(noServices.resolve("nothing.jar"));
             JarOutputStream jar = new JarOutputStream(out, mf)) {
            jar.putNextEntry(new JarEntry("com/example/nothing/readme.txt"));
            jar.write("hello".getBytes());
            jar.closeEntry();
        }
        Path config = dir.resolve("c.yaml");
        Files.writeString(config, "server: { port: 0 }\nproviders: { p: { type: scripted } }\n");
        try (Gateway gw = Gateway.builder().config(config).pluginsDir(plugins).watchConfig(false)
                .factory(new ScriptedProviderFactory()).start()) {
            List<String> failures = gw.pluginFailures();
            assertEquals(3, failures.size(), failures.toString());
            assertTrue(failures.stream().anyMatch(f -> f.startsWith("corrupt: ")), failures.toString());
            assertTrue(failures.stream().anyMatch(f -> f.startsWith("empty: no jar or module found")),
                    failures.toString());
            assertTrue(failures.stream().anyMatch(f -> f.startsWith("no-services: no module in it provides")),
                    failures.toString());
        }
    }

    @Test
    void aConfigThatNeedsAFailedPluginSaysWhy(@TempDir Path dir) throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        Path corrupt = Files.createDirectories(plugins.resolve("warp-drive"));
        Files.write(corrupt.resolve("warp.jar"), new byte[]{1, 2, 3, 4});
        Path config = dir.resolve("c.yaml");
        Files.writeString(config, "server: { port: 0 }\nproviders: { p: { type: warp-drive } }\n");
        Gateway.GatewayStartException e = org.junit.jupiter.api.Assertions.assertThrows(
                Gateway.GatewayStartException.class, () -> Gateway.builder().config(config).pluginsDir(plugins)
                        .watchConfig(false).start());
        assertTrue(e.problems().getFirst().contains("plugin folder 'warp-drive' failed to load"),
                e.problems().toString());
    }
}
