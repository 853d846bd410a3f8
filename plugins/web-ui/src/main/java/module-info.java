/**
 * The web UI: a single-page app served from this plugin's jar at {@code /} and {@code /ui/}, built on the admin API
 * ({@code /api/admin}): dashboard, providers and keys, routing, plugins, playground, recent requests and the config.
 */
module io.heimdall.plugin.webui {
    requires io.heimdall.api;

    provides io.heimdall.api.plugin.PluginFactory with io.heimdall.plugin.webui.WebUiFactory;
}
