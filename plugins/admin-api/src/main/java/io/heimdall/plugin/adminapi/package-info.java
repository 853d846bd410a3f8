/** The admin API plugin: routes under {@code /api/admin/} over {@link io.heimdall.api.admin.GatewayAdmin}. */
package io.heimdall.plugin.adminapi;
