package io.heimdall.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.module.Configuration;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.lang.module.ResolvedModule;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Checks the assembled folder without starting it: the boot layer in {@code lib/} resolves on its own, every
 * {@code plugins/<id>/} folder resolves as a child of it (the way the core builds one layer per plugin), nothing is in
 * two places, nothing test-only is shipped, and the tarball holds the same files under {@code heimdall-<version>/}.
 */
class DistributionLayoutIT {

    private static final Set<String> SHIPPED_PLUGINS = Set.of("mock", "openai", "example-header-hook",
            "adaptive-router");

    private static Path dist;

    @BeforeAll
    static void findDistribution() {
        dist = Path.of(System.getProperty("heimdall.dist", "target/heimdall")).toAbsolutePath();
        assertTrue(Files.isDirectory(dist), "no " + dist + ": run `./mvnw package` (or verify) first");
    }

    @Test
    void hasTheDocumentedFolders() throws IOException {
        Path launcher = dist.resolve("bin/heimdall");
        assertTrue(Files.isRegularFile(launcher), "bin/heimdall");
        assertTrue(Files.getPosixFilePermissions(launcher).containsAll(Set.of(
                PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_EXECUTE)),
                "bin/heimdall is not executable by all");
        assertTrue(Files.readString(launcher).startsWith("#!/bin/sh\n"), "bin/heimdall: #!/bin/sh with unix line ends");
        String config = Files.readString(dist.resolve("conf/heimdall.yaml"));
        assertTrue(config.contains("type: mock") && config.contains("model: mock/echo"), "conf/heimdall.yaml: " + config);
        assertEquals(SHIPPED_PLUGINS, names(dist.resolve("plugins")), "plugins/");
        for (String id : SHIPPED_PLUGINS) {
            assertFalse(jars(dist.resolve("plugins").resolve(id)).isEmpty(), "plugins/" + id + " holds no jar");
        }
    }

    @Test
    void libIsTheBootLayerAndShipsNothingTestOnly() throws IOException {
        Set<String> lib = names(dist.resolve("lib"));
        assertTrue(lib.stream().anyMatch(n -> n.startsWith("heimdall-core-")), "lib/ has no heimdall-core: " + lib);
        assertTrue(lib.stream().anyMatch(n -> n.startsWith("heimdall-api-")), "lib/ has no heimdall-api: " + lib);
        for (String name : lib) {
            assertTrue(name.endsWith(".jar"), "not a jar in lib/: " + name);
            assertFalse(name.startsWith("heimdall-testkit") || name.startsWith("heimdall-provider-")
                    || name.startsWith("heimdall-plugin-") || name.startsWith("heimdall-distribution")
                    || name.startsWith("junit-") || name.startsWith("opentest4j") || name.startsWith("apiguardian"),
                    "must not be in lib/: " + name);
        }
        Configuration boot = resolveBootLayer();
        assertTrue(boot.findModule("io.heimdall.core").isPresent(), "io.heimdall.core not resolved from lib/");
        assertTrue(boot.findModule("io.heimdall.api").isPresent(), "io.heimdall.api not resolved from lib/");
    }

    @Test
    void everyPluginFolderResolvesAsAChildLayerOfLib() throws IOException {
        Configuration boot = resolveBootLayer();
        Set<String> bootModules = boot.modules().stream().map(ResolvedModule::name).collect(Collectors.toSet());
        for (String id : SHIPPED_PLUGINS) {
            Path folder = dist.resolve("plugins").resolve(id);
            Set<String> roots = ModuleFinder.of(folder).findAll().stream()
                    .map(ModuleReference::descriptor).map(ModuleDescriptor::name)
                    .collect(Collectors.toCollection(TreeSet::new));
            Set<String> duplicated = new TreeSet<>(roots);
            duplicated.retainAll(bootModules);
            assertTrue(duplicated.isEmpty(), "plugins/" + id + " repeats modules of lib/: " + duplicated);
            // Every jar of the folder is a root, as the core resolves a plugin layer; a missing dependency fails here.
            Configuration layer = Configuration.resolve(ModuleFinder.of(folder), List.of(boot), ModuleFinder.of(), roots);
            assertTrue(layer.modules().stream().anyMatch(m -> m.name().startsWith("io.heimdall.")),
                    "plugins/" + id + " holds no io.heimdall.* module: " + roots);
            assertTrue(layer.modules().stream().flatMap(m -> m.reference().descriptor().provides().stream())
                    .anyMatch(p -> p.service().startsWith("io.heimdall.api.")),
                    "plugins/" + id + " provides no io.heimdall.api service: " + roots);
        }
    }

    @Test
    void tarballHoldsTheSameFilesUnderOneTopFolder() throws Exception {
        Path tarball = Path.of(System.getProperty("heimdall.tarball",
                "target/heimdall-" + System.getProperty("heimdall.version", "0.1.0-SNAPSHOT") + ".tar.gz"));
        assertTrue(Files.isRegularFile(tarball), "no " + tarball);
        String top = "heimdall-" + System.getProperty("heimdall.version", "0.1.0-SNAPSHOT") + "/";
        Process tar = new ProcessBuilder("tar", "-tvzf", tarball.toString()).redirectErrorStream(true).start();
        List<String> listing;
        try (var reader = tar.inputReader(StandardCharsets.UTF_8)) {
            listing = reader.lines().toList();
        }
        assertTrue(tar.waitFor(30, TimeUnit.SECONDS) && tar.exitValue() == 0, "tar -tvzf failed: " + listing);
        Set<String> files = new TreeSet<>();
        for (String line : listing) {
            String[] fields = line.trim().split("\\s+");
            String name = fields[fields.length - 1];
            assertTrue(name.startsWith(top), "outside " + top + ": " + line);
            if (!name.endsWith("/")) {
                files.add(name.substring(top.length()));
            }
            if (name.equals(top + "bin/heimdall")) {
                assertTrue(fields[0].startsWith("-rwxr-xr-x"), "bin/heimdall in the tarball is not 0755: " + line);
            }
        }
        Set<String> expected;
        try (Stream<Path> walk = Files.walk(dist)) {
            expected = walk.filter(Files::isRegularFile).map(p -> dist.relativize(p).toString())
                    .collect(Collectors.toCollection(TreeSet::new));
        }
        assertEquals(expected, files, "tarball vs " + dist);
    }

    private static Configuration resolveBootLayer() throws IOException {
        // Independent of this test JVM's own module graph: lib/ on top of the system modules only.
        ModuleFinder lib = ModuleFinder.of(dist.resolve("lib"));
        Set<String> all = lib.findAll().stream().map(r -> r.descriptor().name()).collect(Collectors.toSet());
        return Configuration.resolve(ModuleFinder.ofSystem(), List.of(Configuration.empty()), lib, all);
    }

    private static Set<String> names(Path folder) throws IOException {
        try (Stream<Path> list = Files.list(folder)) {
            return list.map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
        }
    }

    private static List<Path> jars(Path folder) throws IOException {
        try (Stream<Path> list = Files.list(folder)) {
            return list.filter(p -> p.getFileName().toString().endsWith(".jar")).toList();
        }
    }
}
