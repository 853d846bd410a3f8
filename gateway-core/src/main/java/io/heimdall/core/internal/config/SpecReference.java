package io.heimdall.core.internal.config;

import io.heimdall.api.plugin.ConfigOption;
import io.heimdall.api.plugin.ConfigSpec;
import io.heimdall.api.plugin.ConfigType;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The rows of a spec's configuration reference table, nested specs flattened: {@code servers}, then
 * {@code servers.<name>.command}; {@code rules}, then {@code rules[].pattern}; {@code tls}, then {@code tls.cert}.
 */
public final class SpecReference {
    /**
     * One row.
     *
     * @param key          the key's path below the plugin's config
     * @param type         the type as shown ({@code integer (1..100)}, {@code string (one of: a, b)})
     * @param defaultValue {@code required}, the default in backticks, or a dash
     * @param description  the description
     */
    public record Row(String key, String type, String defaultValue, String description) {
    }

    private SpecReference() {
    }

    /** The rows of a spec, in documentation order. */
    public static List<Row> rows(ConfigSpec spec) {
        List<Row> out = new ArrayList<>();
        add("", spec, out);
        return List.copyOf(out);
    }

    private static void add(String prefix, ConfigSpec spec, List<Row> out) {
        for (ConfigOption o : spec.options()) {
            String key = prefix + o.key();
            out.add(new Row(key, type(o), o.required() ? "required"
                    : o.defaultValue().map(d -> "`" + d + "`").orElse("—"), o.description()));
            if (o.spec().isPresent()) {
                String below = switch (o.type()) {
                    case OBJECT_MAP -> key + ".<name>.";
                    case OBJECT_LIST -> key + "[].";
                    default -> key + ".";
                };
                add(below, o.spec().get(), out);
            }
        }
    }

    private static String type(ConfigOption o) {
        String t = o.type().name().toLowerCase(Locale.ROOT).replace('_', '-');
        if (!o.allowedValues().isEmpty()) {
            t += o.type() == ConfigType.STRING_LIST ? " (each one of: " : " (one of: ";
            t += String.join(", ", o.allowedValues()) + ")";
        } else if (o.min().isPresent() || o.max().isPresent()) {
            t += " (" + o.min().map(SpecReference::number).orElse("") + ".."
                    + o.max().map(SpecReference::number).orElse("") + ")";
        }
        return t;
    }

    private static String number(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }
}
