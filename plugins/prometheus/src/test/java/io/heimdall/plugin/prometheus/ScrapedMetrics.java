package io.heimdall.plugin.prometheus;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The samples of one scrape, read by a small scanner of the Prometheus text format 0.0.4 (comments, metric names,
 * label sets with escaped values, float values including {@code NaN} and {@code +Inf}); anything it does not
 * recognise fails the test. The syntax itself is also checked by Prometheus's own parser ({@code promtool check
 * metrics}, {@link io.heimdall.testkit.Promtool}) in {@link PrometheusGatewayTest}.
 */
final class ScrapedMetrics {
    private final Map<String, Double> samples = new LinkedHashMap<>();
    private final Map<String, String> types = new LinkedHashMap<>();

    static ScrapedMetrics parse(String text) {
        ScrapedMetrics m = new ScrapedMetrics();
        for (String line : text.split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("# TYPE ")) {
                String[] parts = line.substring(7).split(" ");
                m.types.put(parts[0], parts[1]);
            } else if (!line.startsWith("#")) {
                m.sample(line);
            }
        }
        return m;
    }

    private void sample(String line) {
        int i = 0;
        while (i < line.length() && (Character.isLetterOrDigit(line.charAt(i)) || line.charAt(i) == '_'
                || line.charAt(i) == ':')) {
            i++;
        }
        String name = line.substring(0, i);
        Map<String, String> labels = new TreeMap<>();
        if (i < line.length() && line.charAt(i) == '{') {
            i++;
            while (line.charAt(i) != '}') {
                int eq = line.indexOf('=', i);
                String label = line.substring(i, eq);
                if (line.charAt(eq + 1) != '"') {
                    throw new IllegalArgumentException("label value not quoted: " + line);
                }
                StringBuilder value = new StringBuilder();
                int j = eq + 2;
                for (; line.charAt(j) != '"'; j++) {
                    char c = line.charAt(j);
                    if (c == '\\') {
                        char n = line.charAt(++j);
                        value.append(n == 'n' ? '\n' : n);
                    } else {
                        value.append(c);
                    }
                }
                labels.put(label, value.toString());
                i = j + 1;
                if (line.charAt(i) == ',') {
                    i++;
                }
            }
            i++;
        }
        if (line.charAt(i) != ' ') {
            throw new IllegalArgumentException("no space before the value: " + line);
        }
        String[] rest = line.substring(i + 1).split(" ");
        double value = switch (rest[0]) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            case "NaN" -> Double.NaN;
            default -> Double.parseDouble(rest[0]);
        };
        samples.put(key(name, labels), value);
    }

    private static String key(String name, Map<String, String> labels) {
        return name + new TreeMap<>(labels);
    }

    /** The value of a series, 0 when absent (a counter that has not moved yet). */
    double value(String name, Map<String, String> labels) {
        return samples.getOrDefault(key(name, labels), 0.0);
    }

    /** The sum over every series of {@code name} whose labels include {@code match}. */
    double sum(String name, Map<String, String> match) {
        double total = 0;
        for (Map.Entry<String, Double> e : samples.entrySet()) {
            String k = e.getKey();
            if (k.startsWith(name + "{")) {
                boolean all = match.entrySet().stream().allMatch(m -> k.contains(m.getKey() + "=" + m.getValue()
                        + ",") || k.contains(m.getKey() + "=" + m.getValue() + "}"));
                if (all) {
                    total += e.getValue();
                }
            }
        }
        return total;
    }

    /** Whether any series of this name exists. */
    boolean has(String name) {
        return samples.keySet().stream().anyMatch(k -> k.startsWith(name + "{"));
    }

    /** The declared type of a family. */
    String type(String family) {
        return types.getOrDefault(family, "");
    }
}
