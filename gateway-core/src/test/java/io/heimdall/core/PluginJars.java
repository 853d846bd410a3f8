package io.heimdall.core;

import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Builds plugin jars at test time: compiles a module's sources with the JDK's compiler against the {@code
 * io.heimdall.api} the tests run with (its jar or classes folder), and jars the classes.
 */
final class PluginJars {
    private PluginJars() {
    }

    /**
     * Compiles {@code sources} (path relative to the source root, e.g. {@code module-info.java}, to its text) and
     * writes them as a modular jar to {@code jar}.
     */
    static Path build(Path work, Map<String, String> sources, Path jar) throws IOException {
        Path src = Files.createDirectories(work.resolve("src"));
        Path out = Files.createDirectories(work.resolve("out"));
        for (Map.Entry<String, String> e : sources.entrySet()) {
            Path file = src.resolve(e.getKey());
            Files.createDirectories(file.getParent());
            Files.writeString(file, e.getValue());
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(src)) {
            files = walk.filter(p -> p.toString().endsWith(".java")).toList();
        }
        try (StandardJavaFileManager fm = javac.getStandardFileManager(diagnostics, null, null)) {
            boolean ok = javac.getTask(null, fm, diagnostics, List.of("--module-path", apiLocation().toString(),
                    "-d", out.toString(), "-proc:none"), null, fm.getJavaFileObjectsFromPaths(files)).call();
            assertTrue(ok, "compiling the test plugin: " + diagnostics.getDiagnostics());
        }
        Files.createDirectories(jar.getParent());
        try (OutputStream os = Files.newOutputStream(jar); JarOutputStream zip = new JarOutputStream(os);
             Stream<Path> classes = Files.walk(out)) {
            for (Path c : classes.filter(Files::isRegularFile).sorted().toList()) {
                zip.putNextEntry(new JarEntry(out.relativize(c).toString().replace('\\', '/')));
                zip.write(Files.readAllBytes(c));
                zip.closeEntry();
            }
        }
        return jar;
    }

    /** Where the boot layer's {@code io.heimdall.api} was loaded from. */
    static Path apiLocation() {
        return Path.of(ModuleLayer.boot().configuration().findModule("io.heimdall.api").orElseThrow()
                .reference().location().orElseThrow());
    }

    /**
     * The sources of a hook plugin: module {@code module}, factory id {@code id}; every request gets the response
     * header {@code header: value}; each instance registers callback gauges reading {@code value} as a number:
     * {@code <gauge>} (one series, which a newer instance takes over) and {@code <gauge>_build{version=<value>}} (one
     * series per value, which only the instance's close removes); creating an instance leaves it in a thread local of
     * the creating thread; a request with header {@code x-hold: <path>} creates {@code <path>.entered} and waits (up to 20 s) for
     * {@code <path>.release} to exist.
     */
    static Map<String, String> headerHook(String module, String id, String header, String value, String gauge) {
        String pkg = module;
        String dir = pkg.replace('.', '/');
        return Map.of("module-info.java", """
                module %s {
                    requires io.heimdall.api;
                    provides io.heimdall.api.plugin.PluginFactory with %s.HeaderHookFactory;
                }
                """.formatted(module, pkg), dir + "/HeaderHookFactory.java", """
                package %1$s;

                import io.heimdall.api.RequestContext;
                import io.heimdall.api.hook.Hook;
                import io.heimdall.api.hook.RequestOutcome;
                import io.heimdall.api.model.ChatRequest;
                import io.heimdall.api.plugin.Plugin;
                import io.heimdall.api.plugin.PluginConfig;
                import io.heimdall.api.plugin.PluginContext;
                import io.heimdall.api.plugin.PluginFactory;
                import java.nio.file.Files;
                import java.nio.file.Path;
                import java.util.Map;
                import java.util.Optional;

                public final class HeaderHookFactory implements PluginFactory {
                    static final String VALUE = "%4$s";
                    static final ThreadLocal<Object> PER_THREAD = new ThreadLocal<>();

                    @Override
                    public String id() {
                        return "%2$s";
                    }

                    @Override
                    public Plugin create(PluginConfig config, PluginContext context) {
                        Instance instance = new Instance();
                        // As a library might: a per-thread cache, left on the thread that created the instance.
                        PER_THREAD.set(instance);
                        context.metrics().gauge("%5$s", Map.of(), instance::number);
                        context.metrics().gauge("%5$s_build", Map.of("version", VALUE), instance::number);
                        return instance;
                    }

                    static final class Instance implements Plugin, Hook {
                        double number() {
                            return Double.parseDouble(VALUE);
                        }

                        @Override
                        public Optional<Hook> hook() {
                            return Optional.of(this);
                        }

                        @Override
                        public RequestOutcome onRequest(ChatRequest request, RequestContext ctx) {
                            ctx.setResponseHeader("%3$s", VALUE);
                            ctx.header("x-hold").ifPresent(Instance::hold);
                            return RequestOutcome.proceed(request);
                        }

                        private static void hold(String path) {
                            try {
                                Files.writeString(Path.of(path + ".entered"), "");
                                long until = System.nanoTime() + 20_000_000_000L;
                                while (!Files.exists(Path.of(path + ".release")) && System.nanoTime() < until) {
                                    Thread.sleep(10);
                                }
                            } catch (Exception e) {
                                throw new IllegalStateException(e);
                            }
                        }
                    }
                }
                """.formatted(pkg, id, header, value, gauge));
    }
}
