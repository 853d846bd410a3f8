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
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * Checks the assembled folder without starting it: the boot layer in {@code lib/} resolves on its own, every
 * {@code plugins/<id>/} folder resolves as a child of it (the way the core builds one layer per plugin), nothing is in
 * two places, nothing test-only is shipped, {@code lib/api/} holds a standalone pom, javadoc and sources of the API
 * (and no module), and the tarball holds the same files under {@code heimdall-<version>/}.
 */
class DistributionLayoutIT {

    private static final Set<String> SHIPPED_PLUGINS = Set.of(
            "mock", "openai", "example-header-hook", "adaptive-router", "admin-api", "anthropic", "bedrock", "mcp",
            "cohere", "profanity-filter", "json-validation", "request-validation", "gemini", "vertex", "prometheus",
            "access-log", "opentelemetry", "local-embeddings", "semantic-cache", "web-ui");

    /**
     * Modules of lib/ a plugin folder may carry anyway, because the boot layer of an in-process gateway (tests, an
     * embedding application) may lack them; where the boot layer has them, its copy wins.
     */
    private static final Map<String, Set<String>> ALLOWED_DUPLICATES = Map.of("json-validation", Set.of("org.slf4j"),
            "mcp", Set.of("org.slf4j"));

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
        // the AOT cache recorded at package time, stamped with the Java that recorded it (this build's JDK)
        assertTrue(Files.size(dist.resolve("aot/heimdall.aot")) > 1_000_000, "aot/heimdall.aot");
        java.util.Properties release = new java.util.Properties();
        try (var in = Files.newBufferedReader(Path.of(System.getProperty("java.home"), "release"))) {
            release.load(in);
        }
        String javaId = release.getProperty("IMPLEMENTOR").replace("\"", "") + " "
                + release.getProperty("JAVA_RUNTIME_VERSION").replace("\"", "") + " ";
        assertEquals(javaId, Files.readString(dist.resolve("aot/heimdall.aot.jvm")), "aot/heimdall.aot.jvm");
        // and with lib/ as it was recorded (name, size, modification time of each jar): bin/heimdall checks it
        List<String> stamp = new java.util.ArrayList<>();
        for (Path jar : jars(dist.resolve("lib"))) {
            stamp.add(jar.getFileName() + " " + Files.size(jar) + " " + Files.getLastModifiedTime(jar).toMillis() / 1000);
        }
        assertEquals(stamp.stream().sorted().toList(),
                Files.readAllLines(dist.resolve("aot/heimdall.aot.lib")).stream().sorted().toList(),
                "aot/heimdall.aot.lib");
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
            if (name.equals("api")) {
                continue; // lib/api/: the API's pom, javadoc and sources for plugin authors, see libApiIsForPluginAuthors
            }
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
    void libApiIsForPluginAuthors() throws Exception {
        String version = System.getProperty("heimdall.version", "0.1.0-SNAPSHOT");
        Path api = dist.resolve("lib/api");
        String base = "heimdall-api-" + version;
        assertEquals(Set.of(base + ".pom", base + "-javadoc.jar", base + "-sources.jar"), names(api), "lib/api/");

        // Not a module on the launcher's module path (lib/): a folder there is one only if it holds module-info.class.
        assertFalse(Files.exists(api.resolve("module-info.class")), "lib/api/module-info.class");
        assertTrue(ModuleFinder.of(dist.resolve("lib")).findAll().stream()
                .noneMatch(m -> m.location().map(Path::of).orElseThrow().startsWith(api)), "a module from lib/api/");

        // The jar the pom describes: module io.heimdall.api, the same version.
        ModuleDescriptor descriptor = ModuleFinder.of(dist.resolve("lib").resolve(base + ".jar")).findAll().stream()
                .map(ModuleReference::descriptor).findFirst().orElseThrow();
        assertEquals("io.heimdall.api", descriptor.name(), "lib/" + base + ".jar");
        assertEquals(Optional.of(version), descriptor.rawVersion(), "module version of lib/" + base + ".jar");

        checkStandalonePom(api.resolve(base + ".pom"), version);

        Set<String> javadoc = entries(api.resolve(base + "-javadoc.jar"));
        Set<String> sources = entries(api.resolve(base + "-sources.jar"));
        assertTrue(javadoc.containsAll(Set.of("index.html", "element-list", "io.heimdall.api/module-summary.html")),
                "javadoc jar: " + javadoc.stream().limit(20).toList());
        assertTrue(sources.contains("module-info.java"), "sources jar: no module-info.java");
        for (ModuleDescriptor.Exports export : descriptor.exports()) {
            String folder = export.source().replace('.', '/') + "/";
            assertTrue(javadoc.contains("io.heimdall.api/" + folder + "package-summary.html"),
                    "javadoc jar: no page for exported package " + export.source());
            assertTrue(sources.stream().anyMatch(e -> e.startsWith(folder) && e.endsWith(".java")),
                    "sources jar: nothing in exported package " + export.source());
        }
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
            duplicated.removeAll(ALLOWED_DUPLICATES.getOrDefault(id, Set.of()));
            assertTrue(duplicated.isEmpty(), "plugins/" + id + " repeats modules of lib/: " + duplicated);
            // As the core resolves a plugin layer: every jar of the folder not already in lib/ is a root, lib/ wins
            // over the folder; a missing dependency fails here.
            Set<String> own = new TreeSet<>(roots);
            own.removeAll(bootModules);
            Configuration layer = Configuration.resolve(ModuleFinder.of(), List.of(boot), ModuleFinder.of(folder), own);
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
        // Independent of this test JVM's own module graph: lib/ on top of the system modules only, plus the JDK
        // modules bin/heimdall adds for plugins (HEIMDALL_SYSTEM_MODULES: java.xml for Jackson 3, ...).
        ModuleFinder lib = ModuleFinder.of(dist.resolve("lib"));
        Set<String> all = lib.findAll().stream().map(r -> r.descriptor().name())
                .collect(Collectors.toCollection(TreeSet::new));
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^HEIMDALL_SYSTEM_MODULES=([\\w.,]+)")
                .matcher(Files.readString(dist.resolve("bin/heimdall")));
        if (m.find()) {
            all.addAll(List.of(m.group(1).split(",")));
        }
        return Configuration.resolve(ModuleFinder.ofSystem(), List.of(Configuration.empty()), lib, all);
    }

    /**
     * A pom Maven can use with nothing else: no parent (heimdall-parent is never published), nothing left to
     * interpolate, no dependency management to import, no test dependencies; the coordinates of the API jar.
     */
    private static void checkStandalonePom(Path pom, String version) throws Exception {
        String text = Files.readString(pom);
        assertFalse(text.contains("${"), "unresolved property in " + pom + ":\n" + text);
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        Element project = factory.newDocumentBuilder().parse(pom.toFile()).getDocumentElement();
        assertEquals("project", project.getLocalName(), pom.toString());
        Map<String, String> top = new TreeMap<>();
        for (Node n = project.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e) {
                top.put(e.getLocalName(), e.getTextContent().trim());
            }
        }
        for (String absent : List.of("parent", "dependencyManagement", "modules", "repositories")) {
            assertFalse(top.containsKey(absent), "<" + absent + "> in " + pom + ":\n" + text);
        }
        assertEquals("4.0.0", top.get("modelVersion"), "modelVersion");
        assertEquals("io.heimdall", top.get("groupId"), "groupId");
        assertEquals("heimdall-api", top.get("artifactId"), "artifactId");
        assertEquals(version, top.get("version"), "version");
        assertEquals("jar", top.getOrDefault("packaging", "jar"), "packaging");
        assertFalse(top.getOrDefault("name", "").isBlank(), "name");
        assertFalse(top.getOrDefault("description", "").isBlank(), "description");
        NodeList dependencies = project.getElementsByTagNameNS("*", "scope");
        for (int i = 0; i < dependencies.getLength(); i++) {
            assertFalse(dependencies.item(i).getTextContent().trim().equals("test"), "a test dependency in " + pom);
        }
    }

    private static Set<String> entries(Path jar) throws IOException {
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            return zip.stream().map(ZipEntry::getName).collect(Collectors.toCollection(TreeSet::new));
        }
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
