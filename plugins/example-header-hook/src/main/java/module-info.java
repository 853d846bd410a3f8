/**
 * The reference company plugin: a hook that adds a configured header to every response the client receives and to
 * every upstream request. Copy this module to start your own plugin.
 */
module io.heimdall.plugin.exampleheaderhook {
    requires io.heimdall.api;

    provides io.heimdall.api.plugin.PluginFactory with io.heimdall.plugin.exampleheaderhook.HeaderHookFactory;
}
