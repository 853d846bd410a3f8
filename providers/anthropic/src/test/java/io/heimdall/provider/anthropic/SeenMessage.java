package io.heimdall.provider.anthropic;

import java.util.List;

/** Stand-in for io.heimdall.testkit.tck.SeenMessage until the TCK lands on main. */
public record SeenMessage(String role, String text, List<String> toolCallIds, String toolResultFor, int images) {
}
