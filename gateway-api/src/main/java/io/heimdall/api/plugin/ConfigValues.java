package io.heimdall.api.plugin;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The grammar of config values, shared by the core and plugins: durations ({@code 250ms}, {@code 30s}, {@code 5m},
 * {@code 1h}, {@code 1d} or ISO-8601 {@code PT30S}) and the checks applied to defaults in a {@link ConfigSpec}.
 */
public final class ConfigValues {
    private static final Pattern SIMPLE = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

    private ConfigValues() {
    }

    /** A duration: {@code 250ms}, {@code 30s}, {@code 5m}, {@code 1h}, {@code 1d} or ISO-8601; empty if not one. */
    public static Optional<Duration> duration(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        Matcher m = SIMPLE.matcher(t);
        if (m.matches()) {
            try {
                long n = Long.parseLong(m.group(1));
                return Optional.of(switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    default -> Duration.ofDays(n);
                });
            } catch (ArithmeticException | NumberFormatException e) {
                return Optional.empty();
            }
        }
        try {
            return Optional.of(Duration.parse(text.strip().toUpperCase(Locale.ROOT)));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /** A duration as config text in the largest unit that divides it: {@code 250ms}, {@code 30s}, {@code 5m}. */
    public static String format(Duration d) {
        long ms = d.toMillis();
        if (ms != 0 && ms % 86_400_000L == 0) {
            return ms / 86_400_000L + "d";
        }
        if (ms != 0 && ms % 3_600_000L == 0) {
            return ms / 3_600_000L + "h";
        }
        if (ms != 0 && ms % 60_000L == 0) {
            return ms / 60_000L + "m";
        }
        if (ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return ms + "ms";
    }

    /** A list written as {@code [a, b]} (or {@code a, b}); empty if an item is blank. */
    static Optional<List<String>> list(String text) {
        String t = text.strip();
        if (t.startsWith("[") && t.endsWith("]")) {
            t = t.substring(1, t.length() - 1).strip();
        }
        if (t.isEmpty()) {
            return Optional.of(List.of());
        }
        List<String> out = new ArrayList<>();
        for (String item : t.split(",", -1)) {
            String s = item.strip();
            if (s.isEmpty() || s.contains("[") || s.contains("]")) {
                return Optional.empty();
            }
            out.add(s);
        }
        return Optional.of(List.copyOf(out));
    }

    /** A list as default text: {@code [a, b]}; rejects items the text form cannot carry. */
    static String listText(List<String> items) {
        for (String s : items) {
            if (s == null || s.isBlank() || s.contains(",") || s.contains("[") || s.contains("]")
                    || !s.equals(s.strip())) {
                throw new IllegalArgumentException("a list default cannot hold blank items, commas or brackets: "
                        + items);
            }
        }
        return "[" + String.join(", ", items) + "]";
    }

    /** What is wrong with {@code text} as the default of {@code o}, or empty if it is a valid value. */
    static Optional<String> defaultFault(ConfigOption.Checked o, String text) {
        String t = text.strip();
        Optional<String> fault = switch (o.type()) {
            case STRING, SECRET -> Optional.empty();
            case INTEGER -> {
                try {
                    long n = Long.parseLong(t);
                    yield rangeFault(o, n);
                } catch (NumberFormatException e) {
                    yield Optional.of("is not a whole number");
                }
            }
            case NUMBER -> {
                try {
                    double n = Double.parseDouble(t);
                    yield Double.isFinite(n) ? rangeFault(o, n) : Optional.of("is not a finite number");
                } catch (NumberFormatException e) {
                    yield Optional.of("is not a number");
                }
            }
            case BOOLEAN -> t.equals("true") || t.equals("false") ? Optional.empty()
                    : Optional.of("is not true or false");
            case DURATION -> {
                Optional<Duration> d = duration(t);
                yield d.isEmpty() ? Optional.of("is not a duration such as 250ms, 30s, 5m or 1h")
                        : d.get().isNegative() ? Optional.of("is negative") : Optional.empty();
            }
            case STRING_LIST -> list(t).isEmpty() ? Optional.of("is not a list such as [a, b]") : Optional.empty();
            case OBJECT, OBJECT_LIST, OBJECT_MAP, STRING_MAP -> Optional.of("cannot be given: "
                    + o.type().name().toLowerCase(Locale.ROOT).replace('_', '-') + " keys take no default");
        };
        if (fault.isEmpty() && !o.allowedValues().isEmpty()) {
            List<String> values = o.type() == ConfigType.STRING_LIST ? list(t).orElse(List.of()) : List.of(text);
            for (String v : values) {
                if (!o.allowedValues().contains(v)) {
                    return Optional.of("is not one of " + String.join(", ", o.allowedValues()));
                }
            }
        }
        return fault;
    }

    private static Optional<String> rangeFault(ConfigOption.Checked o, double n) {
        if (o.min().isPresent() && n < o.min().get()) {
            return Optional.of("is less than the minimum " + number(o.min().get()));
        }
        if (o.max().isPresent() && n > o.max().get()) {
            return Optional.of("is more than the maximum " + number(o.max().get()));
        }
        return Optional.empty();
    }

    /** A bound as text: {@code 5}, not {@code 5.0}. */
    static String number(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }
}
