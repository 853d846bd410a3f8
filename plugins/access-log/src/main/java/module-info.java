/**
 * The access-log plugin: one JSON line per request, written off the request path to stdout or a size-rotated file.
 * Exports nothing: the core finds the factory through {@code provides}.
 */
module io.heimdall.plugin.accesslog {
    requires io.heimdall.api;
    requires com.fasterxml.jackson.core;
    requires com.fasterxml.jackson.databind; // tests read lines back with ObjectMapper; in the boot layer anyway

    provides io.heimdall.api.plugin.PluginFactory with io.heimdall.plugin.accesslog.AccessLogFactory;
}
