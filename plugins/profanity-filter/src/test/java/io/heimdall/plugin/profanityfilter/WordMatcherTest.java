package io.heimdall.plugin.profanityfilter;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WordMatcherTest {
    private static final WordMatcher BUILTIN = WordMatcher.of(ProfanityFilterFactory.builtin());

    private static String mask(String text) {
        return WordMatcher.mask(text, BUILTIN.find(text), '*');
    }

    @Test
    void matchesWholeWordsCaseInsensitively() {
        assertEquals("well **** that", mask("well FUCK that"));
        assertEquals("Shitake? no: ****!", mask("Shitake? no: Shit!"));
        assertFalse(BUILTIN.matches("the class assignment in Scunthorpe"));
        assertFalse(BUILTIN.matches("a cocktail of assets and passes"));
    }

    @Test
    void catchesObfuscations() {
        assertTrue(BUILTIN.matches("f.u.c.k you"), "separators");
        assertTrue(BUILTIN.matches("f u c k"), "spaces");
        assertTrue(BUILTIN.matches("fuuuuuck"), "repeated letters");
        assertTrue(BUILTIN.matches("sh1t"), "leet 1");
        assertTrue(BUILTIN.matches("$h!t"), "leet $ and !");
        assertTrue(BUILTIN.matches("b!tch3s"), "leet with suffix");
        assertTrue(BUILTIN.matches("fucking"), "suffix");
        assertEquals("*******.", mask("f.u.c.k."), "the separators inside the word are masked, the final dot is not");
    }

    @Test
    void isUnicodeAware() {
        assertTrue(BUILTIN.matches("ＦＵＣＫ"), "full-width letters (compatibility forms)");
        assertTrue(BUILTIN.matches("fück"), "accents are dropped");
        assertEquals("oh ****, naïve café", mask("oh ſhit, naïve café"));
        WordMatcher german = WordMatcher.of(List.of("scheiße"));
        assertTrue(german.matches("SCHEISSE"), "case folding: ß is ss");
        assertTrue(german.matches("Scheiße!"));
        assertEquals("Was für eine *******!", WordMatcher.mask("Was für eine Scheiße!",
                german.find("Was für eine Scheiße!"), '*'));
    }

    @Test
    void holdsBackOnlyTheTailAMatchStillNeeds() {
        WordMatcher.Scan a = BUILTIN.scan("hello there fu", false);
        assertEquals("hello there ".length(), a.safe(), "'fu' may become a word");
        WordMatcher.Scan b = BUILTIN.scan("hello there, friend", false);
        assertEquals("hello there, friend".length(), b.safe(), "no listed word starts with 'fr'");
        WordMatcher.Scan c = BUILTIN.scan("hello world", false);
        assertEquals("hello world".length(), c.safe(), "nothing at the end can start a listed word");
        WordMatcher.Scan d = BUILTIN.scan("this is shit", false);
        assertEquals("this is ".length(), d.safe(), "a match at the end may still be 'shitake'");
        WordMatcher.Scan e = BUILTIN.scan("this is shit", true);
        assertEquals(1, e.matches().size());
        assertEquals("this is shit".length(), e.safe());
    }
}
