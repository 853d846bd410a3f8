package io.heimdall.provider.bedrock;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Stand-in for io.heimdall.testkit.tck.SeenRequest until the TCK lands on main (same shape). */
record SeenRequest(String method, String path, Map<String, List<String>> headers, String model, String system,
                   List<SeenMessage> messages, List<String> toolNames, String toolChoice,
                   Optional<Double> temperature, Optional<Double> topP, Optional<Integer> maxTokens,
                   List<String> stop, boolean stream, String responseFormat, String body) {
}
