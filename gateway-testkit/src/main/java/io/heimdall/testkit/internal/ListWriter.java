package io.heimdall.testkit.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import io.heimdall.testkit.internal.OpenAiJson.Model;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/** Writes the embeddings and model listing responses, pretty-printed with 2 spaces. */
final class ListWriter {
    private ListWriter() {
    }

    /** Writes an embeddings response; vectors as float arrays or as base64 of little-endian float32. */
    static void writeEmbeddings(Buffer out, String model, List<float[]> vectors, boolean base64,
                                int promptTokens) {
        try (JsonGenerator g = OpenAiJson.FACTORY.createGenerator(out)) {
            g.setPrettyPrinter(new IndentPrinter(2));
            g.writeStartObject();
            g.writeStringField("object", "list");
            g.writeArrayFieldStart("data");
            for (int i = 0; i < vectors.size(); i++) {
                float[] v = vectors.get(i);
                g.writeStartObject();
                g.writeStringField("object", "embedding");
                g.writeNumberField("index", i);
                if (base64) {
                    g.writeStringField("embedding", OpenAiJson.base64(v));
                } else {
                    g.writeArrayFieldStart("embedding");
                    for (float f : v) {
                        g.writeNumber(f);
                    }
                    g.writeEndArray();
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeStringField("model", model);
            g.writeObjectFieldStart("usage");
            g.writeNumberField("prompt_tokens", promptTokens);
            g.writeNumberField("total_tokens", promptTokens);
            g.writeEndObject();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.write('\n');
    }

    /** Writes {@code {"object":"list","data":[models]}}. */
    static void writeModelList(Buffer out, List<Model> models) {
        try (JsonGenerator g = OpenAiJson.FACTORY.createGenerator(out)) {
            g.setPrettyPrinter(new IndentPrinter(2));
            g.writeStartObject();
            g.writeStringField("object", "list");
            g.writeArrayFieldStart("data");
            for (Model m : models) {
                writeModel(g, m);
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.write('\n');
    }

    /** Writes one model object. */
    static void writeModel(Buffer out, Model model) {
        try (JsonGenerator g = OpenAiJson.FACTORY.createGenerator(out)) {
            g.setPrettyPrinter(new IndentPrinter(2));
            writeModel(g, model);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.write('\n');
    }

    private static void writeModel(JsonGenerator g, Model m) throws IOException {
        g.writeStartObject();
        g.writeStringField("id", m.id());
        g.writeStringField("object", "model");
        g.writeNumberField("created", m.created());
        g.writeStringField("owned_by", m.ownedBy());
        g.writeEndObject();
    }
}
