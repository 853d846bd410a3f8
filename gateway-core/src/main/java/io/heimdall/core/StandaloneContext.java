package io.heimdall.core;

import io.heimdall.api.plugin.ConfigSpec;
import io.heimdall.api.plugin.PluginConfig;
import io.heimdall.api.plugin.PluginContext;
import io.heimdall.core.internal.config.ConfigException;
import io.heimdall.core.internal.config.ConfigView;
import io.heimdall.core.internal.config.Problems;
import io.heimdall.core.internal.config.SecretResolver;
import io.heimdall.core.internal.engine.CorePluginContext;
import io.heimdall.core.internal.wire.JacksonOpenAiWire;

import java.util.Map;

/**
 * The core's plugin services outside a running gateway, for testing a plugin on its own: a real pooled upstream HTTP
 * client, the Jackson OpenAI codec, and config views validated exactly as the gateway validates them.
 */
public final class StandaloneContext {
    private static final JacksonOpenAiWire WIRE = new JacksonOpenAiWire();

    private StandaloneContext() {
    }

    /** A plugin context named {@code name}; its {@code gateway()} answers 503. */
    public static PluginContext create(String name) {
        return CorePluginContext.standalone(name, WIRE);
    }

    /**
     * A config view of {@code values} validated against {@code spec}, with defaults applied.
     *
     * @throws IllegalArgumentException listing every problem, each with its path
     */
    public static PluginConfig config(String path, Map<String, Object> values, ConfigSpec spec) {
        Problems problems = new Problems();
        SecretResolver secrets = SecretResolver.system();
        ConfigView.validate(path, values, spec, secrets, problems);
        try {
            problems.throwIfAny();
        } catch (ConfigException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        return new ConfigView(path, values, spec, secrets);
    }
}
