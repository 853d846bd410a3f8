/**
 * Administration of the running gateway, for admin plugins (an admin API, a web UI): the config as it stands (secrets
 * masked), validating and applying a new one, the plugin types loaded and the health of every target. Offered through
 * {@link io.heimdall.api.plugin.PluginContext#admin()}; routes that use it should be {@link
 * io.heimdall.api.endpoint.Access#ADMIN}.
 */
package io.heimdall.api.admin;
