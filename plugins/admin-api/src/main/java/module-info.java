/**
 * The admin API ({@code /api/admin/...}): the running config (secrets masked), changes to providers, keys, model
 * aliases and plugin entries applied through the gateway's hot reload, validation, history with diffs and rollback,
 * plugin types with their config specs, target health, live stats and recent requests.
 */
module io.heimdall.plugin.adminapi {
    requires io.heimdall.api;
    requires com.fasterxml.jackson.databind;
    requires com.fasterxml.jackson.dataformat.yaml;
    requires org.yaml.snakeyaml;

    provides io.heimdall.api.plugin.PluginFactory with io.heimdall.plugin.adminapi.AdminApiFactory;
}
