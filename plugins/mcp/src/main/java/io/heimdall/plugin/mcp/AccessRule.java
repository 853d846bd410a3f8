package io.heimdall.plugin.mcp;

import io.heimdall.api.auth.Caller;
import io.heimdall.api.plugin.PluginConfig;

import java.util.List;

/**
 * Which callers may see and run which tools: a caller matches when its id matches one of {@code callers} or it has
 * one of {@code tags}; it then may use the tools (exposed names, globs) in {@code tools}.
 *
 * @param callers globs of caller ids
 * @param tags    caller tags
 * @param tools   globs of exposed tool names
 */
record AccessRule(List<String> callers, List<String> tags, List<String> tools) {
    /** Copies the lists. */
    AccessRule {
        callers = List.copyOf(callers);
        tags = List.copyOf(tags);
        tools = List.copyOf(tools);
    }

    /** Reads one entry of {@code access:}. */
    static AccessRule from(PluginConfig c) {
        return new AccessRule(c.strings("callers"), c.strings("tags"), c.strings("tools"));
    }

    /** Whether this rule is about this caller. */
    boolean matches(Caller caller) {
        return Globs.any(callers, caller.id()) || tags.stream().anyMatch(caller.tags()::contains);
    }

    /** Whether a caller may use a tool under these rules: with no rules everyone may use every tool. */
    static boolean permits(List<AccessRule> rules, Caller caller, String tool) {
        if (rules.isEmpty()) {
            return true;
        }
        for (AccessRule r : rules) {
            if (r.matches(caller) && Globs.any(r.tools, tool)) {
                return true;
            }
        }
        return false;
    }
}
