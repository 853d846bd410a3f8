package io.heimdall.plugin.adminapi;

import io.heimdall.api.admin.GatewayAdmin;
import io.heimdall.api.plugin.ConfigSpec;
import io.heimdall.api.plugin.ConfigType;
import io.heimdall.api.plugin.Plugin;
import io.heimdall.api.plugin.PluginConfig;
import io.heimdall.api.plugin.PluginContext;
import io.heimdall.api.plugin.PluginFactory;

import java.nio.file.Path;

/**
 * Plugin {@code admin-api}: the admin API under {@code /api/admin/}. Its routes need the admin credential (see
 * {@code admin.token}); it keeps the last {@code history-size} applied config versions in {@code history-dir}
 * (default: {@code .heimdall-history/} beside the config file) and the last {@code recent-requests} requests in memory.
 */
public final class AdminApiFactory implements PluginFactory {
    /** For the ServiceLoader. */
    public AdminApiFactory() {
    }

    @Override
    public String id() {
        return "admin-api";
    }

    @Override
    public String description() {
        return "Admin API (/api/admin): config, providers, keys, aliases, plugins, history and rollback, health, "
                + "stats, recent requests";
    }

    @Override
    public ConfigSpec configSpec() {
        return ConfigSpec.builder()
                .optional("history-size", 20L, "how many applied config versions to keep").range(1, 1000)
                .optional("history-dir", ConfigType.STRING,
                        "where versions are kept; default .heimdall-history/ beside the config file")
                .optional("recent-requests", 500L, "how many recent requests to keep in memory").range(1, 100_000)
                .optional("record-prompts", false, "keep each request's last user message (500 chars) in the "
                        + "recent-request log")
                .build();
    }

    @Override
    public Plugin create(PluginConfig config, PluginContext context) {
        GatewayAdmin admin = context.admin().orElseThrow(() -> new IllegalStateException(
                "the admin API needs a running gateway (PluginContext.admin() is empty)"));
        Path dir = config.string("history-dir").map(Path::of).orElseGet(() -> admin.configFile()
                .map(f -> Path.of(f).toAbsolutePath().getParent().resolve(".heimdall-history"))
                .orElseGet(() -> Path.of(System.getProperty("java.io.tmpdir"), "heimdall-history")));
        History history = new History(dir, Math.toIntExact(config.integer("history-size").orElseThrow()));
        Traffic traffic = new Traffic(Math.toIntExact(config.integer("recent-requests").orElseThrow()));
        return new AdminApi(admin, context, history, traffic, config.bool("record-prompts").orElseThrow());
    }
}
