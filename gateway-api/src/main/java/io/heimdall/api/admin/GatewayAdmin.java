package io.heimdall.api.admin;

import java.util.List;
import java.util.Optional;

/**
 * The running gateway as an administration plugin sees it. No method ever returns the value of a secret: literal secret
 * values in the config are shown as {@code <masked:ID>} tokens (ID a short digest of the value), which {@link #apply}
 * and {@link #validate} turn back into the value they stand for, so a masked config can be edited and applied without
 * the secrets ever leaving the gateway; {@code ${env:NAME}} references are shown as written. Safe for concurrent use.
 */
public interface GatewayAdmin {
    /** The config file the gateway was started with; empty for an embedded gateway without one. */
    Optional<String> configFile();

    /** The config file's text as it is on disk now, secrets masked; empty without a config file. */
    String configText();

    /** The config in force as a JSON object, secrets masked. */
    String configJson();

    /**
     * Checks a proposed config (YAML, or JSON when it starts with <code>{</code>) as a start would, without applying
     * it.
     *
     * @return the path-precise problems, empty when it is valid
     */
    List<String> validate(String text);

    /**
     * Validates {@code text}, writes it atomically to the config file and applies it as a hot reload; when the reload
     * refuses it, the previous file is written back. Serialised with every other reload.
     *
     * @param text the new config, possibly holding {@code <masked:ID>} tokens
     * @param who  who asks (a caller id), for the log
     * @return the problems that prevented the change, empty when it was applied
     * @throws IllegalStateException when the gateway has no config file
     */
    List<String> apply(String text, String who);

    /** The provider and plugin types that are loaded, with the config each accepts. */
    List<PluginType> pluginTypes();

    /** The health of every configured target (provider and key). */
    List<TargetState> targets();
}
