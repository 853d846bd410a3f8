/**
 * The Heimdall SPI: the canonical OpenAI-shaped model and every extension point a plugin implements.
 * Depends on {@code java.base} only, so a plugin compiled against it never sees Helidon, Jackson or the core.
 */
module io.heimdall.api {
    exports io.heimdall.api;
    exports io.heimdall.api.model;
    exports io.heimdall.api.provider;
    exports io.heimdall.api.plugin;
    exports io.heimdall.api.hook;
    exports io.heimdall.api.cache;
    exports io.heimdall.api.route;
    exports io.heimdall.api.observe;
    exports io.heimdall.api.auth;
    exports io.heimdall.api.endpoint;
    exports io.heimdall.api.metrics;
    exports io.heimdall.api.http;
    exports io.heimdall.api.wire;
    exports io.heimdall.api.admin;

    uses io.heimdall.api.provider.ProviderFactory;
    uses io.heimdall.api.plugin.PluginFactory;
}
