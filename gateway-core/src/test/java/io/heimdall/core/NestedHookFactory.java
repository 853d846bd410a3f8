package io.heimdall.core;

import io.heimdall.api.hook.Hook;
import io.heimdall.api.plugin.ConfigSpec;
import io.heimdall.api.plugin.ConfigType;
import io.heimdall.api.plugin.PluginConfig;
import io.heimdall.api.plugin.Plugin;
import io.heimdall.api.plugin.PluginContext;
import io.heimdall.api.plugin.PluginFactory;

import java.util.concurrent.atomic.AtomicReference;

/** A hook for core tests whose spec nests like an MCP plugin's: servers by name, rules, a TLS object. */
final class NestedHookFactory implements PluginFactory {
    static final ConfigSpec SERVER = ConfigSpec.builder()
            .optional("command", ConfigType.STRING_LIST, "program and arguments of a stdio server")
            .stringMap("env", "environment of the process")
            .optional("url", ConfigType.STRING, "Streamable HTTP endpoint")
            .stringMap("headers", "HTTP headers sent to the server")
            .optional("enabled", true, "whether the server is used")
            .build();
    static final ConfigSpec SPEC = ConfigSpec.builder()
            .mapOf("servers", SERVER, "MCP servers by name")
            .listOf("rules", ConfigSpec.builder()
                    .required("pattern", ConfigType.STRING, "what to match")
                    .optional("action", "allow", "what to do").oneOf("allow", "deny")
                    .build(), "rules in order")
            .object("tls", ConfigSpec.builder()
                    .optional("verify", true, "verify certificates")
                    .optional("password", ConfigType.SECRET, "key store password")
                    .build(), "TLS settings")
            .optional("mode", "tools", "what the plugin does").oneOf("tools", "agent")
            .optional("max-turns", 8, "tool-calling turns").range(1, 100)
            .optional("api-key", ConfigType.SECRET, "a secret")
            .optional("poll", ConfigType.DURATION, "how often to poll")
            .optional("base-url", ConfigType.STRING, "where the servers are")
            .build();

    /** The config the last created instance saw. */
    static final AtomicReference<PluginConfig> LAST = new AtomicReference<>();

    @Override
    public String id() {
        return "test-nested";
    }

    @Override
    public ConfigSpec configSpec() {
        return SPEC;
    }

    @Override
    public Plugin create(PluginConfig config, PluginContext context) {
        LAST.set(config);
        Hook hook = new Hook() {
        };
        return new Plugin() {
            @Override
            public java.util.Optional<Hook> hook() {
                return java.util.Optional.of(hook);
            }
        };
    }
}
