package io.heimdall.api.provider;

import io.heimdall.api.plugin.PluginFactory;

/**
 * Creates providers of one type. Found with {@link java.util.ServiceLoader} in a plugin's module layer
 * ({@code provides io.heimdall.api.provider.ProviderFactory with ...} in its {@code module-info.java}). The core creates
 * one {@link Provider} per entry under {@code providers:} whose {@code type} equals {@link #id()}, and again on every
 * config reload. {@link #configSpec()} lists the entry's keys besides {@code type} and {@code keys}, which the core
 * handles. {@link #create} must be cheap: no network calls, connections are opened lazily.
 */
public interface ProviderFactory extends PluginFactory<Provider> {
}
