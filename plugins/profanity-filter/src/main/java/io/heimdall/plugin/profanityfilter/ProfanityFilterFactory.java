package io.heimdall.plugin.profanityfilter;

import io.heimdall.api.plugin.ConfigSpec;
import io.heimdall.api.plugin.ConfigType;
import io.heimdall.api.plugin.Plugin;
import io.heimdall.api.plugin.PluginConfig;
import io.heimdall.api.plugin.PluginContext;
import io.heimdall.api.plugin.PluginFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Creates the {@code profanity-filter} hook.
 *
 * <pre>{@code
 * plugins:
 *   - id: profanity-filter
 *     config: { mode: reject, words: [ frak ], word-files: [ /etc/heimdall/words.txt ] }
 * }</pre>
 */
public final class ProfanityFilterFactory implements PluginFactory {
    /** The plugin id used in config. */
    public static final String ID = "profanity-filter";

    /** Creates the factory; ServiceLoader calls this. */
    public ProfanityFilterFactory() {
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "Rejects or masks profanity in chat requests and masks it in responses, streams included";
    }

    @Override
    public ConfigSpec configSpec() {
        return ConfigSpec.builder()
                .optional("mode", "mask", "what a request with a listed word gets: mask (the words are masked) or "
                        + "reject (400 profanity_detected)").oneOf("mask", "reject")
                .optional("responses", true, "also mask listed words in responses, streamed ones included")
                .optional("builtin", true, "use the built-in English list")
                .optional("words", List.of(), "more words or phrases to match")
                .optional("word-files", List.of(), "UTF-8 files of more words, one per line, # starts a comment")
                .optional("mask", "*", "the character that replaces each character of a match")
                .build();
    }

    @Override
    public Plugin create(PluginConfig config, PluginContext context) {
        List<String> words = new ArrayList<>(config.strings("words"));
        if (config.bool("builtin").orElse(true)) {
            words.addAll(builtin());
        }
        for (String file : config.strings("word-files")) {
            try {
                words.addAll(lines(Files.readString(Path.of(file), StandardCharsets.UTF_8)));
            } catch (IOException | UncheckedIOException e) {
                throw new IllegalArgumentException("word-files: cannot read '" + file + "': " + e.getMessage(), e);
            }
        }
        String mask = config.string("mask").orElse("*");
        if (mask.length() != 1) {
            throw new IllegalArgumentException("mask must be one character, got '" + mask + "'");
        }
        if (words.isEmpty()) {
            throw new IllegalArgumentException("no words: builtin is false and neither words nor word-files add any");
        }
        boolean reject = config.string("mode").orElse("mask").equals("reject");
        return new ProfanityFilter(WordMatcher.of(words), reject, config.bool("responses").orElse(true),
                mask.charAt(0));
    }

    /** The built-in list. */
    static List<String> builtin() {
        try (InputStream in = ProfanityFilterFactory.class.getResourceAsStream("builtin-words.txt")) {
            if (in == null) {
                throw new IllegalStateException("builtin-words.txt is missing from the plugin jar");
            }
            return lines(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> lines(String text) {
        return text.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    }
}
