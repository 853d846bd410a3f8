package io.heimdall.provider.bedrock;

import java.util.List;

/** Stand-in for io.heimdall.testkit.tck.SeenMessage until the TCK lands on main (same shape). */
record SeenMessage(String role, String text, List<String> toolCallIds, String toolResultFor, int images) {
}
