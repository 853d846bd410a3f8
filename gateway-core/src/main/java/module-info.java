/**
 * The Heimdall core: the Helidon SE HTTP server, config loading and hot reload, the plugin loader (one module layer
 * per plugin), the request pipeline and the built-in weighted router. Exports only {@code io.heimdall.core}: the
 * launcher, the embeddable {@code Gateway}, and {@code StandaloneContext} for plugin tests.
 */
module io.heimdall.core {
    requires transitive io.heimdall.api;
    requires io.helidon.webserver;
    requires io.helidon.webclient.http1;
    requires io.helidon.webclient.api;
    requires io.helidon.http;
    requires io.helidon.common.socket;
    requires io.helidon.logging.jul;
    requires com.fasterxml.jackson.core;
    requires com.fasterxml.jackson.databind;
    requires com.fasterxml.jackson.dataformat.yaml;
    requires java.logging;

    exports io.heimdall.core;

    uses io.heimdall.api.provider.ProviderFactory;
    uses io.heimdall.api.hook.HookFactory;
    uses io.heimdall.api.cache.CacheFactory;
    uses io.heimdall.api.route.RouterFactory;
    uses io.heimdall.api.observe.ObserverFactory;
}
