/** Plugin {@code web-ui}: the static single-page app over the admin API. */
package io.heimdall.plugin.webui;
