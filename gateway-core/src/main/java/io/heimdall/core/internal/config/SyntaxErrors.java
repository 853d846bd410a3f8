package io.heimdall.core.internal.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;

import java.util.List;
import java.util.Locale;

/**
 * Turns a YAML or JSON parse failure into a message with the line, the column and a fixed reason. The parser's own
 * message is never shown: it quotes the text around the fault, which may be a secret written inline.
 */
final class SyntaxErrors {
    /** A fragment of a parser message and the fixed reason shown for it. */
    private record Reason(String fragment, String text) {
    }

    private static final List<Reason> REASONS = List.of(
            new Reason("mapping values are not allowed", "a ':' where no key can start (a missing space after "
                    + "':', a missing quote, or wrong indentation?)"),
            new Reason("could not find expected ':'", "a key without ':' after it"),
            new Reason("expected <block end>", "wrong indentation (a key indented unlike the keys beside it?)"),
            new Reason("did not find expected key", "wrong indentation or a missing '-' or key"),
            new Reason("expected ',' or ']'", "an unclosed '[' list (or a missing ',' in it)"),
            new Reason("expected ',' or '}'", "an unclosed '{' object (or a missing ',' in it)"),
            new Reason("did not find expected node content", "a value is missing"),
            new Reason("cannot start any token", "a character that cannot start a value here (a tab used for "
                    + "indentation, or '@' or '`' at the start of an unquoted value?)"),
            new Reason("found unexpected end of stream", "the file ends inside a quoted value or a bracket"),
            new Reason("found undefined alias", "an undefined alias ('*name' without a matching '&name')"),
            new Reason("unknown escape character", "an unknown escape sequence in a double-quoted value"),
            new Reason("duplicate key", "a key written twice in one object"),
            new Reason("was expecting double-quote to start field name", "expected a quoted key (a trailing comma?)"),
            new Reason("was expecting comma to separate", "a missing comma between two entries"),
            new Reason("was expecting a colon to separate", "a missing ':' between a key and its value"),
            new Reason("unexpected end-of-input", "the file ends too early (an unclosed bracket or quote?)"),
            new Reason("unexpected close marker", "a closing bracket that does not match"),
            new Reason("unrecognized token", "a value that is not JSON (an unquoted string?)"),
            new Reason("illegal unquoted character", "a control character inside a quoted string"),
            new Reason("unexpected character", "an unexpected character"));

    private SyntaxErrors() {
    }

    /** {@code <name>: not valid YAML at line L, column C: <reason>}. */
    static String message(String name, boolean json, JsonProcessingException e) {
        String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column "
                + e.getLocation().getColumnNr();
        return name + ": not valid " + (json ? "JSON" : "YAML") + where + ": " + reason(e);
    }

    private static String reason(JsonProcessingException e) {
        if (e instanceof MismatchedInputException) {
            return "the top level must be an object of keys and values";
        }
        StringBuilder all = new StringBuilder();
        for (Throwable t = e; t != null && all.length() < 10_000; t = t.getCause()) {
            all.append(' ').append(t.getMessage());
        }
        String text = all.toString().toLowerCase(Locale.ROOT);
        for (Reason r : REASONS) {
            if (text.contains(r.fragment().toLowerCase(Locale.ROOT))) {
                return r.text();
            }
        }
        return "a syntax error";
    }
}
