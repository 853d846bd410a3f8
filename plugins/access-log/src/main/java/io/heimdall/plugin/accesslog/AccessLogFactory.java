package io.heimdall.plugin.accesslog;

import io.heimdall.api.plugin.ConfigSpec;
import io.heimdall.api.plugin.ConfigType;
import io.heimdall.api.plugin.Plugin;
import io.heimdall.api.plugin.PluginConfig;
import io.heimdall.api.plugin.PluginContext;
import io.heimdall.api.plugin.PluginFactory;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Creates the {@code access-log} plugin: one JSON line per client request (and per child request) with its id,
 * caller, route, model asked and served, attempts, status, latency, time to first token, tokens and cache result, to
 * stdout or to a file rotated by size. Lines are formatted on the request path into a bounded buffer and written by one
 * thread of its own every 50 ms; when the buffer is full a line is dropped and counted
 * ({@code heimdall_access_log_dropped}). See
 * {@code docs/observability.md}.
 *
 * <pre>{@code
 * plugins:
 *   - { id: access-log }
 *   - { id: access-log, config: { file: /var/log/heimdall/access.log, max-size-mb: 100, max-files: 5 } }
 * }</pre>
 */
public final class AccessLogFactory implements PluginFactory {
    /** The plugin id used in config. */
    public static final String ID = "access-log";

    /** Creates the factory; ServiceLoader calls this. */
    public AccessLogFactory() {
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "Writes one JSON line per request to stdout or a size-rotated file, off the request path";
    }

    @Override
    public ConfigSpec configSpec() {
        return ConfigSpec.builder()
                .optional("file", ConfigType.STRING, "write to this file instead of stdout (rotated by size)")
                .optional("max-size-mb", 100L, "rotate the file when it reaches this many MiB").min(1)
                .optional("max-files", 5L, "rotated files kept beside the current one (file.1 is the newest)")
                .min(0).max(1000)
                .optional("queue-size", 10_000L, "lines waiting to be written; beyond, lines are dropped and counted")
                .min(1).max(10_000_000)
                .optional("include-prompts", false, "also log the request's message texts (they may hold personal "
                        + "data)")
                .build();
    }

    @Override
    public Plugin create(PluginConfig config, PluginContext context) {
        Optional<Path> file = config.string("file").filter(s -> !s.isBlank()).map(Path::of);
        AccessLogSink sink = file.isPresent()
                ? AccessLogSink.file(file.get(), config.integer("max-size-mb").orElse(100L) * 1024 * 1024,
                        config.integer("max-files").orElse(5L).intValue())
                : AccessLogSink.stdout();
        return new AccessLogPlugin(sink, config.integer("queue-size").orElse(10_000L).intValue(),
                config.bool("include-prompts").orElse(false), context);
    }
}
