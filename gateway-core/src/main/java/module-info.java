/**
 * The Heimdall core: the Helidon SE HTTP server, config loading and hot reload, the plugin loader (one module layer
 * per plugin), the request pipeline and the built-in weighted router. Exports only {@code io.heimdall.core}: the
 * launcher, the embeddable {@code Gateway}, and {@code StandaloneContext} for plugin tests.
 */
module io.heimdall.core {
    requires transitive io.heimdall.api;
    requires io.helidon.webserver;
    requires org.apache.httpcomponents.client5.httpclient5;
    requires org.apache.httpcomponents.core5.httpcore5;
    // HttpClient 5 is an automatic module and cannot declare that it uses jdk.net (socket options).
    requires jdk.net;
    requires io.helidon.http;
    requires io.helidon.common.socket;
    requires io.helidon.logging.jul;
    requires com.fasterxml.jackson.core;
    requires com.fasterxml.jackson.databind;
    requires com.fasterxml.jackson.dataformat.yaml;
    requires java.logging;
    requires java.management;

    exports io.heimdall.core;

    uses io.heimdall.api.provider.ProviderFactory;
    uses io.heimdall.api.plugin.PluginFactory;
}
