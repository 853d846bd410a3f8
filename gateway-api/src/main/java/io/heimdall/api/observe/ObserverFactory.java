package io.heimdall.api.observe;

import io.heimdall.api.plugin.PluginFactory;

/** Creates an observer. Found with {@link java.util.ServiceLoader}; configured under {@code plugins:}. */
public interface ObserverFactory extends PluginFactory<Observer> {
}
