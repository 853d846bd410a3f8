package io.heimdall.testkit.harness;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * An HTTP answer of the gateway read to its end.
 *
 * @param status  the HTTP status
 * @param body    the body as text
 * @param headers the response headers, names in lower case
 */
public record HttpResult(int status, String body, Map<String, List<String>> headers) {
    /** Validates and copies. */
    public HttpResult {
        Map<String, List<String>> h = new TreeMap<>();
        headers.forEach((k, v) -> h.put(k.toLowerCase(Locale.ROOT), List.copyOf(v)));
        headers = Map.copyOf(h);
    }

    /** The first value of a response header. */
    public Optional<String> header(String name) {
        List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
        return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v.getFirst());
    }
}
