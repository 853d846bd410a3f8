/** Plugin discovery: one child module layer per plugin folder, factories found with ServiceLoader. */
package io.heimdall.core.internal.plugin;
