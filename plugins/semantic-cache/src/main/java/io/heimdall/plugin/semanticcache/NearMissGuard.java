package io.heimdall.plugin.semanticcache;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * Rejects semantic candidates that are close in embedding space but differ in what the answer depends on: the
 * numbers they mention (digits and number words: {@code 5} and {@code five} agree), whether they are negated, their
 * named entities (places, people, products, rare or technical terms; found with capitalisation and a lexicon of common
 * words and proper nouns built from the wamerican word list), and opposite words ({@code increase}/{@code decrease},
 * {@code advantages}/{@code disadvantages}). Entities must also come in the same order, so "Celsius to Fahrenheit" is
 * not "Fahrenheit to Celsius". Immutable and thread-safe.
 */
final class NearMissGuard {
    /** The shared instance (its lexicon is loaded once). */
    static final NearMissGuard INSTANCE = new NearMissGuard();

    private static final Pattern TOKEN = Pattern.compile("[\\p{L}\\p{N}]+(?:[.,'’\\-][\\p{L}\\p{N}]+)*|[.!?;:\\n]");
    private static final Set<String> NEGATIONS = Set.of("not", "no", "never", "none", "nobody", "nothing", "neither",
            "nor", "cannot", "without", "nowhere", "isnt", "arent", "wasnt", "werent", "dont", "doesnt", "didnt",
            "cant", "couldnt", "shouldnt", "wouldnt", "wont", "hasnt", "havent", "hadnt", "mustnt", "aint");
    private static final Map<String, String> NUMBER_WORDS = numberWords();
    /** A marker in {@code polar} for a directed request (conversion, translation): entity order matters. */
    private static final String DIRECTED = "->";
    private static final Set<String> DIRECTION_WORDS = Set.of("convert", "converting", "conversion", "translate",
            "translating", "translation", "into", "from");
    /** Words that are neither content nor entities: function words and the wording of a question. */
    private static final Set<String> STOP = Set.of("a", "an", "the", "is", "are", "was", "were", "be", "been", "do",
            "does", "did", "can", "could", "would", "should", "will", "shall", "may", "might", "must", "i", "me", "my",
            "you", "your", "we", "our", "it", "its", "they", "them", "their", "he", "she", "his", "her", "this", "that",
            "these", "those", "what", "whats", "which", "who", "whom", "whose", "when", "where", "why", "how", "of",
            "in", "on", "at", "to", "for", "with", "by", "about", "as", "and", "or", "from", "into", "there", "please",
            "tell", "give", "explain", "show", "way", "best", "get", "find", "out", "some", "any", "much", "many",
            "up", "so", "if", "than", "then", "also", "just", "simply", "briefly", "know", "want", "like", "need",
            "help", "let", "us", "use", "using", "make", "new", "one", "thing", "things", "world", "earth");
    private static final Set<String> NOT_ENTITIES = Set.of("earth", "world", "internet");
    private static final Map<String, String> OPPOSITES = opposites();

    private final Set<String> common;
    private final Set<String> proper;

    private NearMissGuard() {
        common = load("common.txt.gz");
        proper = load("proper.txt.gz");
    }

    /** What a prompt's answer depends on besides its gist. */
    record Features(List<String> numbers, boolean negated, List<String> entities, Set<String> polar,
                    Set<String> content) {
    }

    /**
     * The similarity a candidate needs when the two prompts are the same but for one content word each side ("legs
     * of a spider" / "legs of an insect", "symbol for gold" / "symbol for silver"): such single-slot substitutions
     * are near-misses far more often than paraphrases, so they need a near-identical embedding.
     */
    static final double SUBSTITUTION_THRESHOLD = 0.87;

    /**
     * Whether a candidate is a hit: similarity at or above {@code threshold} (or {@link #SUBSTITUTION_THRESHOLD} for a
     * single-slot substitution) and features that {@link #agree(Features, Features) agree}.
     */
    static boolean accepts(Features asked, Features cached, double similarity, double threshold) {
        if (similarity < threshold || !agree(asked, cached)) {
            return false;
        }
        Set<String> onlyAsked = new TreeSet<>(asked.content());
        onlyAsked.removeAll(cached.content());
        Set<String> onlyCached = new TreeSet<>(cached.content());
        onlyCached.removeAll(asked.content());
        boolean substitution = !onlyAsked.isEmpty() && !onlyCached.isEmpty()
                && onlyAsked.size() + onlyCached.size() <= 2;
        return !substitution || similarity >= Math.max(threshold, SUBSTITUTION_THRESHOLD);
    }

    /** Whether two prompts agree on numbers, negation, entities and polar words. */
    boolean agree(String a, String b) {
        return agree(features(a), features(b));
    }

    /** Whether two prompts' features agree: the same numbers, negation and entities, and no opposite words. */
    static boolean agree(Features a, Features b) {
        boolean ordered = a.entities().size() > 1 && a.polar().contains(DIRECTED) && b.polar().contains(DIRECTED);
        boolean entities = ordered ? a.entities().equals(b.entities())
                : new TreeSet<>(a.entities()).equals(new TreeSet<>(b.entities()));
        return entities && a.numbers().equals(b.numbers()) && a.negated() == b.negated()
                && !opposed(a.polar(), b.polar()) && !opposed(b.polar(), a.polar());
    }

    private static boolean opposed(Set<String> a, Set<String> b) {
        for (String w : a) {
            String opposite = OPPOSITES.get(w);
            if (opposite != null && b.contains(opposite) && !a.contains(opposite)) {
                return true;
            }
        }
        return false;
    }

    /** The features of a prompt. */
    Features features(String text) {
        List<String> numbers = new ArrayList<>();
        List<String> entities = new ArrayList<>();
        Set<String> polar = new TreeSet<>();
        Set<String> content = new TreeSet<>();
        int negations = 0;
        boolean sentenceStart = true;
        Matcher m = TOKEN.matcher(text);
        while (m.find()) {
            String raw = m.group();
            if (raw.length() == 1 && ".!?;:\n".contains(raw)) {
                sentenceStart = true;
                continue;
            }
            boolean initial = sentenceStart;
            sentenceStart = false;
            String word = stripPossessive(raw);
            String lower = word.toLowerCase(Locale.ROOT);
            String bare = lower.replace("'", "").replace("’", "");
            if (NEGATIONS.contains(bare)) {
                negations++;
                continue;
            }
            if (lower.endsWith("n't") || lower.endsWith("n’t")) {
                negations++;
                continue;
            }
            if (DIRECTION_WORDS.contains(lower)) {
                polar.add(DIRECTED);
            }
            if (!STOP.contains(bare) && bare.length() > 1) {
                content.add(stem(bare.replaceAll("[.,'’\\-]", "")));
            }
            String number = number(lower);
            if (number != null) {
                numbers.add(number);
                continue;
            }
            String opposite = OPPOSITES.get(lower);
            if (opposite != null) {
                polar.add(lower);
                continue;
            }
            if (!NOT_ENTITIES.contains(lower) && isEntity(word, lower, initial)) {
                String e = lower.replaceAll("[.,'’\\-]", "");
                if (!entities.contains(e)) {
                    entities.add(e);
                }
            }
        }
        numbers.sort(null);
        return new Features(List.copyOf(new TreeSet<>(numbers)), negations % 2 == 1, List.copyOf(entities),
                Set.copyOf(polar), Set.copyOf(content));
    }

    private boolean isEntity(String word, String lower, boolean initial) {
        if (word.chars().anyMatch(Character::isDigit)) {
            return true;
        }
        boolean capital = Character.isUpperCase(word.codePointAt(0));
        boolean allCaps = word.length() >= 2 && word.chars().filter(Character::isLetter).allMatch(Character::isUpperCase);
        boolean mixed = !capital && word.chars().anyMatch(Character::isUpperCase);
        if (allCaps || mixed) {
            return true;
        }
        if (lower.length() < 3) {
            return false;
        }
        String stem = lower.replaceAll("[.,'’\\-]", "");
        boolean isCommon = common.contains(lower) || common.contains(stem) || hyphenatedCommon(lower);
        boolean isProper = proper.contains(lower) || proper.contains(stem);
        if (capital && !initial) {
            return isProper || !isCommon;
        }
        return !isCommon;
    }

    private boolean hyphenatedCommon(String lower) {
        if (!lower.contains("-")) {
            return false;
        }
        for (String part : lower.split("-")) {
            if (!common.contains(part)) {
                return false;
            }
        }
        return true;
    }

    /** A crude stem for comparing content words: the first five letters of a long word. */
    private static String stem(String w) {
        return w.length() > 5 ? w.substring(0, 5) : w;
    }

    private static String stripPossessive(String w) {
        if (w.endsWith("'s") || w.endsWith("’s")) {
            return w.substring(0, w.length() - 2);
        }
        if (w.endsWith("s'") || w.endsWith("s’")) {
            return w.substring(0, w.length() - 1);
        }
        return w;
    }

    /** A canonical number for a numeric token or number word, else null. */
    private static String number(String lower) {
        String w = NUMBER_WORDS.get(lower);
        if (w != null) {
            return w;
        }
        String digits = lower.replace(",", "");
        if (digits.matches("\\d+(\\.\\d+)?")) {
            return new java.math.BigDecimal(digits).stripTrailingZeros().toPlainString();
        }
        Matcher ordinal = Pattern.compile("(\\d+)(st|nd|rd|th)").matcher(lower);
        return ordinal.matches() ? ordinal.group(1) : null;
    }

    private static Map<String, String> numberWords() {
        String[] ones = {"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
            "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"};
        String[] ordinals = {"", "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth",
            "tenth", "eleventh", "twelfth"};
        String[] tens = {"", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"};
        Map<String, String> out = new HashMap<>();
        for (int i = 0; i < ones.length; i++) {
            out.put(ones[i], Integer.toString(i));
        }
        for (int i = 1; i < ordinals.length; i++) {
            out.put(ordinals[i], Integer.toString(i));
        }
        for (int i = 2; i < tens.length; i++) {
            out.put(tens[i], Integer.toString(i * 10));
        }
        out.put("hundred", "100");
        out.put("thousand", "1000");
        out.put("million", "1000000");
        out.put("billion", "1000000000");
        out.put("dozen", "12");
        out.put("half", "0.5");
        out.put("twice", "2");
        out.put("double", "2");
        out.put("triple", "3");
        out.remove("one");
        return Map.copyOf(out);
    }

    private static Map<String, String> opposites() {
        String[][] pairs = {{"increase", "decrease"}, {"increases", "decreases"}, {"advantages", "disadvantages"},
            {"advantage", "disadvantage"}, {"pros", "cons"}, {"before", "after"}, {"fastest", "slowest"},
            {"faster", "slower"}, {"largest", "smallest"}, {"biggest", "smallest"}, {"larger", "smaller"},
            {"highest", "lowest"}, {"higher", "lower"}, {"best", "worst"}, {"better", "worse"}, {"maximum", "minimum"},
            {"max", "min"}, {"most", "least"}, {"more", "less"}, {"longest", "shortest"}, {"longer", "shorter"},
            {"hottest", "coldest"}, {"oldest", "youngest"}, {"older", "younger"}, {"cheapest", "expensive"},
            {"heaviest", "lightest"}, {"north", "south"}, {"east", "west"}, {"northern", "southern"},
            {"eastern", "western"}, {"encrypt", "decrypt"}, {"encode", "decode"}, {"compress", "decompress"},
            {"import", "export"}, {"buy", "sell"}, {"add", "remove"}, {"enable", "disable"}, {"install", "uninstall"},
            {"upload", "download"}, {"push", "pull"}, {"start", "stop"}, {"open", "close"}, {"true", "false"},
            {"positive", "negative"}, {"male", "female"}, {"men", "women"}, {"sunrise", "sunset"},
            {"ascending", "descending"}, {"minimum", "maximum"}, {"first", "last"}, {"cause", "cure"},
            {"benefits", "risks"}, {"safe", "dangerous"}, {"legal", "illegal"}, {"left", "right"}, {"up", "down"},
            {"inside", "outside"}, {"hot", "cold"}, {"win", "lose"}, {"strengths", "weaknesses"},
            {"synonym", "antonym"}, {"synonyms", "antonyms"}, {"similarities", "differences"}, {"good", "bad"},
            {"hardest", "softest"}, {"hard", "soft"}, {"harder", "softer"}, {"morning", "night"}, {"day", "night"},
            {"summer", "winter"}, {"spring", "autumn"}, {"wet", "dry"}, {"light", "dark"}, {"rich", "poor"},
            {"strong", "weak"}, {"easy", "difficult"}, {"easiest", "hardest"}, {"success", "failure"},
            {"create", "delete"}, {"accept", "reject"}, {"allow", "deny"}, {"lock", "unlock"}, {"full", "empty"},
            {"love", "hate"}, {"healthy", "unhealthy"}, {"friend", "enemy"}, {"arrive", "depart"},
            {"arrival", "departure"}, {"input", "output"}, {"server", "client"}, {"sender", "receiver"},
            {"wealthiest", "poorest"}, {"richest", "poorest"}, {"warmest", "coolest"}, {"deepest", "shallowest"}};
        Map<String, String> out = new HashMap<>();
        for (String[] p : pairs) {
            out.put(p[0], p[1]);
            out.put(p[1], p[0]);
        }
        out.remove("first");
        return Map.copyOf(out);
    }

    private static Set<String> load(String name) {
        try (InputStream in = NearMissGuard.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("lexicon resource missing: " + name);
            }
            Set<String> out = new HashSet<>(120_000);
            try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(in),
                    StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    if (!line.isEmpty()) {
                        out.add(line);
                    }
                }
            }
            return Set.copyOf(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
