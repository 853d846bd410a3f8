package io.heimdall.provider.googlemock;

import java.util.List;

/** One message as the provider received it. */
public record SeenMessage(String role, String text, List<String> toolCallIds, String toolResultFor, int images) {
}
