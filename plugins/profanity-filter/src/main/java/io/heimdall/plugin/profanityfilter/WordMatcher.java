package io.heimdall.plugin.profanityfilter;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds listed words in text: whole words only, case- and Unicode-insensitive (compatibility decomposition, accents
 * dropped, case folded), through common obfuscations: leet substitutions ({@code @ 4 3 1 ! 0 $ 5 7 +}), repeated
 * letters ({@code fuuuck}), up to two separators between letters ({@code f.u.c.k}, {@code f u c k}) and common
 * suffixes ({@code -s -es -ed -ing -er -ers -y}). Immutable and safe for concurrent use.
 */
final class WordMatcher {
    /** A match in the original text: {@code [start, end)} in chars. */
    record Span(int start, int end) {
    }

    private static final Map<Character, String> LEET = Map.ofEntries(Map.entry('a', "a@4"), Map.entry('b', "b8"),
            Map.entry('e', "e3"), Map.entry('g', "g9"), Map.entry('i', "i1!|"), Map.entry('l', "l1|"),
            Map.entry('o', "o0"), Map.entry('s', "s$5"), Map.entry('t', "t7+"));
    private static final String SEPARATOR = "[^\\p{L}\\p{N}]{0,2}";
    private static final String SUFFIX = "(?:[e3]?[s$5z]|[e3]d|[i1!]n[g9]?|[e3]r[s$5z]?|y)?";
    private static final Pattern WORD_CHAR = Pattern.compile("[\\p{L}\\p{N}]");

    private final Pattern pattern;
    private final int window;

    private WordMatcher(Pattern pattern, int window) {
        this.pattern = pattern;
        this.window = window;
    }

    /** A matcher for these words (each normalised like the text; blank ones ignored). */
    static WordMatcher of(Collection<String> words) {
        List<String> alternatives = new ArrayList<>();
        int longest = 1;
        for (String w : words.stream().map(WordMatcher::normalise).map(String::strip).distinct()
                .sorted(Comparator.comparingInt(String::length).reversed()).toList()) {
            if (w.isEmpty()) {
                continue;
            }
            longest = Math.max(longest, w.length());
            alternatives.add(wordPattern(w));
        }
        if (alternatives.isEmpty()) {
            return new WordMatcher(Pattern.compile("(?!)"), 0);
        }
        String regex = "(?<![\\p{L}\\p{N}])(?:" + String.join("|", alternatives) + ")" + SUFFIX
                + "(?![\\p{L}\\p{N}])";
        // A match spans at most each letter repeated a few times, two separators between letters, and a suffix.
        return new WordMatcher(Pattern.compile(regex), longest * 6 + 8);
    }

    private static String wordPattern(String word) {
        StringBuilder sb = new StringBuilder();
        int[] cps = word.codePoints().toArray();
        for (int i = 0; i < cps.length; i++) {
            String ch = Character.toString(cps[i]);
            if (!WORD_CHAR.matcher(ch).matches()) {
                sb.append(SEPARATOR);
                continue;
            }
            if (i > 0 && WORD_CHAR.matcher(Character.toString(cps[i - 1])).matches()) {
                sb.append(SEPARATOR);
            }
            String variants = ch.length() == 1 ? LEET.getOrDefault(ch.charAt(0), ch) : ch;
            sb.append("[");
            for (char c : variants.toCharArray()) {
                sb.append("[]\\^&-".indexOf(c) >= 0 ? "\\" + c : String.valueOf(c));
            }
            sb.append("]+");
        }
        return sb.toString();
    }

    /** Compatibility decomposition, combining marks dropped, case folded (so {@code ß} is {@code ss}). */
    static String normalise(String text) {
        String d = Normalizer.normalize(text, Normalizer.Form.NFKD).replaceAll("\\p{M}+", "");
        return d.toUpperCase(Locale.ROOT).toLowerCase(Locale.ROOT);
    }

    /** Text normalised code point by code point, with the original char offset of every normalised char. */
    private record Folded(String text, int[] origin, int originalLength) {
        static Folded of(String original) {
            StringBuilder sb = new StringBuilder(original.length());
            int[] origin = new int[original.length() * 3 + 8];
            int i = 0;
            while (i < original.length()) {
                int cp = original.codePointAt(i);
                String n = normalise(Character.toString(cp));
                for (int k = 0; k < n.length(); k++) {
                    if (sb.length() >= origin.length) {
                        origin = java.util.Arrays.copyOf(origin, origin.length * 2);
                    }
                    origin[sb.length()] = i;
                    sb.append(n.charAt(k));
                }
                i += Character.charCount(cp);
            }
            return new Folded(sb.toString(), origin, original.length());
        }

        /** The original offset of normalised offset {@code p} (a match boundary). */
        int start(int p) {
            return p >= text.length() ? originalLength : origin[p];
        }

        /** The original end offset of a match ending at normalised offset {@code p} (exclusive). */
        int end(int p) {
            if (p >= text.length()) {
                return originalLength;
            }
            return origin[p];
        }
    }

    /** Every match in a complete text. */
    List<Span> find(String text) {
        return scan(text, true).matches;
    }

    /** Whether the text contains a listed word. */
    boolean matches(String text) {
        return !find(text).isEmpty();
    }

    /** The text with each match replaced by {@code mask}, one per char. */
    static String mask(String text, List<Span> spans, char mask) {
        if (spans.isEmpty()) {
            return text;
        }
        StringBuilder sb = new StringBuilder(text);
        for (Span s : spans) {
            for (int i = s.start; i < s.end; i++) {
                sb.setCharAt(i, mask);
            }
        }
        return sb.toString();
    }

    /**
     * The result of scanning text that may continue.
     *
     * @param matches the complete matches before {@code safe}
     * @param safe    the first original offset that must be held back, because a match starting there could need
     *                text that has not arrived yet (the text's length if nothing needs holding)
     */
    record Scan(List<Span> matches, int safe) {
    }

    /** Scans text; unless {@code complete}, holds back the shortest tail a match could still need. */
    Scan scan(String text, boolean complete) {
        Folded f = Folded.of(text);
        Matcher m = pattern.matcher(f.text);
        int hold = f.text.length();
        if (!complete) {
            m.useTransparentBounds(true).useAnchoringBounds(false);
            for (int p = Math.max(0, f.text.length() - window); p < f.text.length(); p++) {
                m.region(p, f.text.length());
                boolean found = m.lookingAt();
                if (m.hitEnd() || found && m.end() == f.text.length()) {
                    hold = p;
                    break;
                }
            }
            m.reset();
        }
        List<Span> spans = new ArrayList<>();
        m.region(0, f.text.length());
        while (m.find()) {
            if (m.start() >= hold) {
                break;
            }
            if (m.end() > hold) {
                hold = m.start();
                break;
            }
            spans.add(new Span(f.start(m.start()), f.end(m.end())));
        }
        return new Scan(List.copyOf(spans), f.start(hold));
    }
}
