/**
 * The adaptive router: orders an alias's targets by a score made of their weight, their measured latency and their
 * error rate, keeping the order random so load still spreads. Also serves {@code GET /v1/router/stats}. Exports
 * nothing: the core finds the factory through {@code provides}.
 */
module io.heimdall.plugin.adaptiverouter {
    requires io.heimdall.api;

    provides io.heimdall.api.plugin.PluginFactory with io.heimdall.plugin.adaptiverouter.AdaptiveRouterFactory;
}
