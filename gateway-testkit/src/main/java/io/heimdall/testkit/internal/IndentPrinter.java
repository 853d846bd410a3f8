package io.heimdall.testkit.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.PrettyPrinter;

import java.io.IOException;

/**
 * Pretty-prints as OpenAI's non-streamed bodies are printed (Python's {@code json.dumps(indent=n)}): one entry per
 * line, {@code "key": value}, empty containers as {@code []} and {@code {}}. Stateful: one instance per generator.
 */
final class IndentPrinter implements PrettyPrinter {
    private static final String SPACES = " ".repeat(64);
    private final int indent;
    private int depth;

    IndentPrinter(int indent) {
        this.indent = indent;
    }

    private void newline(JsonGenerator g) throws IOException {
        g.writeRaw('\n');
        int n = depth * indent;
        while (n > 0) {
            int k = Math.min(n, SPACES.length());
            g.writeRaw(SPACES, 0, k);
            n -= k;
        }
    }

    @Override
    public void writeRootValueSeparator(JsonGenerator g) throws IOException {
        g.writeRaw('\n');
    }

    @Override
    public void writeStartObject(JsonGenerator g) throws IOException {
        g.writeRaw('{');
        depth++;
    }

    @Override
    public void beforeObjectEntries(JsonGenerator g) throws IOException {
        newline(g);
    }

    @Override
    public void writeObjectFieldValueSeparator(JsonGenerator g) throws IOException {
        g.writeRaw(": ");
    }

    @Override
    public void writeObjectEntrySeparator(JsonGenerator g) throws IOException {
        g.writeRaw(',');
        newline(g);
    }

    @Override
    public void writeEndObject(JsonGenerator g, int entries) throws IOException {
        depth--;
        if (entries > 0) {
            newline(g);
        }
        g.writeRaw('}');
    }

    @Override
    public void writeStartArray(JsonGenerator g) throws IOException {
        g.writeRaw('[');
        depth++;
    }

    @Override
    public void beforeArrayValues(JsonGenerator g) throws IOException {
        newline(g);
    }

    @Override
    public void writeArrayValueSeparator(JsonGenerator g) throws IOException {
        g.writeRaw(',');
        newline(g);
    }

    @Override
    public void writeEndArray(JsonGenerator g, int values) throws IOException {
        depth--;
        if (values > 0) {
            newline(g);
        }
        g.writeRaw(']');
    }
}
