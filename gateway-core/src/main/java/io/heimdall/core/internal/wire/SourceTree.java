package io.heimdall.core.internal.wire;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.base.ParserBase;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Reads a JSON tree like {@code ObjectMapper.readTree}, but every object, array and floating-point number remembers
 * its source text, so that values passed through as raw JSON (unknown fields, unknown content parts, tool schemas,
 * embedding vectors) are written back with the sender's exact tokens: the same digits ({@code 1e-7} stays
 * {@code 1e-7}, {@code 0.12345678901234567} keeps its 17 digits) and the same string escapes. Only whitespace
 * between tokens is dropped, so the text stays on one line (SSE events cannot carry line breaks).
 */
final class SourceTree {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private SourceTree() {
    }

    /** A node that knows its source text. */
    interface Sourced {
        /** The exact source tokens of this value, without whitespace between them. */
        String sourceText();
    }

    /**
     * The source text of a node read by this class, or its serialisation. Strings, integers, booleans and null are
     * written here exactly as {@link JsonNode#toString()} writes them, without its per-call object writer.
     */
    static String text(JsonNode node) {
        if (node instanceof Sourced s) {
            return s.sourceText();
        }
        return switch (node) {
            case TextNode t -> quote(t.textValue());
            case IntNode i -> Integer.toString(i.intValue());
            case LongNode l -> Long.toString(l.longValue());
            case BooleanNode b -> b.booleanValue() ? "true" : "false";
            case NullNode n -> "null";
            default -> node.toString();
        };
    }

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    /** A JSON string literal escaped as Jackson's default generator does (only quote, backslash and controls). */
    static String quote(String text) {
        int n = text.length();
        int i = 0;
        while (i < n) {
            char c = text.charAt(i);
            if (c < 0x20 || c == '"' || c == '\\') {
                break;
            }
            i++;
        }
        if (i == n) {
            return "\"" + text + "\"";
        }
        StringBuilder sb = new StringBuilder(n + 16).append('"').append(text, 0, i);
        for (; i < n; i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\b' -> sb.append("\\b");
                case '\t' -> sb.append("\\t");
                case '\f' -> sb.append("\\f");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                default -> {
                    if (c < 0x20) {
                        sb.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xF]);
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    /** Reads one value from a parser over {@code src}; a missing node if the input is empty. */
    static JsonNode read(JsonParser p, byte[] src) throws IOException {
        JsonToken t = p.nextToken();
        return t == null ? MissingNode.getInstance() : value(p, t, src);
    }

    private static JsonNode value(JsonParser p, JsonToken t, byte[] src) throws IOException {
        return switch (t) {
            case START_OBJECT -> {
                long start = startOffset(p, src, '{');
                SourceObject o = new SourceObject(src, start);
                JsonToken next;
                while ((next = p.nextToken()) == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    o.replace(name, value(p, p.nextToken(), src));
                }
                if (next != JsonToken.END_OBJECT) {
                    throw new JsonParseException(p, "Unexpected end of an object");
                }
                o.end = p.currentLocation().getByteOffset();
                yield o;
            }
            case START_ARRAY -> {
                long start = startOffset(p, src, '[');
                SourceArray a = new SourceArray(src, start);
                JsonToken next;
                while ((next = p.nextToken()) != JsonToken.END_ARRAY && next != null) {
                    a.add(value(p, next, src));
                }
                if (next == null) {
                    throw new JsonParseException(p, "Unexpected end of an array");
                }
                a.end = p.currentLocation().getByteOffset();
                yield a;
            }
            case VALUE_STRING -> TextNode.valueOf(p.getText());
            case VALUE_NUMBER_INT -> switch (p.getNumberType()) {
                case INT -> IntNode.valueOf(p.getIntValue());
                case LONG -> LongNode.valueOf(p.getLongValue());
                default -> BigIntegerNode.valueOf(p.getBigIntegerValue());
            };
            case VALUE_NUMBER_FLOAT -> new SourceDouble(p.getDoubleValue(), p.getText());
            case VALUE_TRUE -> BooleanNode.TRUE;
            case VALUE_FALSE -> BooleanNode.FALSE;
            case VALUE_NULL -> NullNode.getInstance();
            default -> throw new JsonParseException(p, "Unexpected token " + t);
        };
    }

    /**
     * The byte offset of the current token, without allocating a location where the parser allows. Only for value
     * tokens: the parser does not update it for closing brackets.
     */
    private static long tokenOffset(JsonParser p) {
        return p instanceof ParserBase b ? b.getTokenCharacterOffset() : p.currentTokenLocation().getByteOffset();
    }

    /** The offset of the opening bracket that is the current token. */
    private static long startOffset(JsonParser p, byte[] src, char bracket) {
        long at = tokenOffset(p);
        return at >= 0 && at < src.length && src[(int) at] == bracket ? at : p.currentTokenLocation().getByteOffset();
    }

    /** The bytes {@code [start, end)} of {@code src} without whitespace outside strings; null if unknown. */
    private static String slice(byte[] src, long start, long end) {
        if (start < 0 || end <= start || end > src.length) {
            return null;
        }
        int from = (int) start;
        int to = (int) end;
        byte[] out = null;
        int n = 0;
        boolean inString = false;
        for (int i = from; i < to; i++) {
            byte c = src[i];
            if (inString) {
                if (c == '\\') {
                    if (out != null) {
                        out[n++] = c;
                    }
                    i++;
                    c = src[i];
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
                if (out == null) {
                    out = new byte[to - from];
                    n = i - from;
                    System.arraycopy(src, from, out, 0, n);
                }
                continue;
            }
            if (out != null) {
                out[n++] = c;
            }
        }
        return out == null ? new String(src, from, to - from, StandardCharsets.UTF_8)
                : new String(out, 0, n, StandardCharsets.UTF_8);
    }

    /** An object node with its source span. */
    private static final class SourceObject extends ObjectNode implements Sourced {
        private static final long serialVersionUID = 1L;
        private final transient byte[] src;
        private final long start;
        private long end = -1;

        SourceObject(byte[] src, long start) {
            super(NODES);
            this.src = src;
            this.start = start;
        }

        @Override
        public String sourceText() {
            String s = slice(src, start, end);
            return s == null ? toString() : s;
        }
    }

    /** An array node with its source span. */
    private static final class SourceArray extends ArrayNode implements Sourced {
        private static final long serialVersionUID = 1L;
        private final transient byte[] src;
        private final long start;
        private long end = -1;

        SourceArray(byte[] src, long start) {
            super(NODES);
            this.src = src;
            this.start = start;
        }

        @Override
        public String sourceText() {
            String s = slice(src, start, end);
            return s == null ? toString() : s;
        }
    }

    /** A floating-point number with its source digits. */
    static final class SourceDouble extends DoubleNode implements Sourced {
        private static final long serialVersionUID = 1L;
        private final String text;

        SourceDouble(double value, String text) {
            super(value);
            this.text = text;
        }

        @Override
        public String sourceText() {
            return text;
        }
    }
}
