package io.heimdall.plugin.webui;

import io.heimdall.api.plugin.ConfigSpec;
import io.heimdall.api.plugin.Plugin;
import io.heimdall.api.plugin.PluginConfig;
import io.heimdall.api.plugin.PluginContext;
import io.heimdall.api.plugin.PluginFactory;

/**
 * Plugin {@code web-ui}: serves the web UI at {@code /} (a redirect to {@code /ui/}) and {@code /ui/*}. The pages are
 * static files from the jar and hold no data; every data call goes to the admin API with the admin token.
 */
public final class WebUiFactory implements PluginFactory {
    /** For the ServiceLoader. */
    public WebUiFactory() {
    }

    @Override
    public String id() {
        return "web-ui";
    }

    @Override
    public String description() {
        return "Web UI at / and /ui/: dashboard, providers and keys, routing, plugins, playground, requests, config "
                + "(needs the admin-api plugin)";
    }

    @Override
    public ConfigSpec configSpec() {
        return ConfigSpec.builder()
                .optional("redirect-root", true, "answer GET / with a redirect to /ui/")
                .build();
    }

    @Override
    public Plugin create(PluginConfig config, PluginContext context) {
        return new WebUi(config.bool("redirect-root").orElseThrow());
    }
}
