package io.heimdall.provider.googlemock;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A native request decoded back into neutral terms by the mock. */
public record SeenRequest(String method, String path, Map<String, List<String>> headers, String model, String system,
                          List<SeenMessage> messages, List<String> toolNames, String toolChoice,
                          Optional<Double> temperature, Optional<Double> topP, Optional<Integer> maxTokens,
                          List<String> stop, boolean stream, String responseFormat, String body) {
}
