package io.heimdall.core.internal.wire;

import com.fasterxml.jackson.databind.JsonNode;
import io.heimdall.api.model.Embedding;
import io.heimdall.api.model.EmbeddingRequest;
import io.heimdall.api.model.EmbeddingResponse;
import io.heimdall.api.model.RawJson;
import io.heimdall.api.model.Usage;
import io.heimdall.core.internal.wire.WireJson.Side;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static io.heimdall.core.internal.wire.JsonReader.array;
import static io.heimdall.core.internal.wire.JsonReader.extra;
import static io.heimdall.core.internal.wire.JsonReader.integer;
import static io.heimdall.core.internal.wire.JsonReader.longOr;
import static io.heimdall.core.internal.wire.JsonReader.requiredString;
import static io.heimdall.core.internal.wire.JsonReader.string;

/**
 * Embeddings requests and responses. An upstream's float array is kept as its JSON text beside the decoded floats
 * ({@link Embedding#vectorJson()}) and written back verbatim, so clients get the upstream's exact digits; base64 is
 * little-endian float32, as OpenAI sends it.
 */
final class EmbeddingCodec {
    private static final Set<String> EMBEDDING_FIELDS = Set.of("model", "input", "encoding_format", "dimensions",
            "user");

    private final WireJson json;

    EmbeddingCodec(WireJson json) {
        this.json = json;
    }

    EmbeddingRequest decodeRequest(byte[] body) {
        JsonNode root = json.parse(body, Side.CLIENT);
        return WireJson.guarded(Side.CLIENT, () -> {
            String model = requiredString(root, "model", "");
            JsonNode input = root.get("input");
            List<String> texts;
            boolean single = false;
            if (input == null || input.isNull()) {
                throw new JsonReader.JsonTypeException("input", "'input' is required");
            } else if (input.isTextual()) {
                texts = List.of(input.textValue());
                single = true;
            } else if (input.isArray() && !input.isEmpty()) {
                texts = array(root, "input", "", (e, p) -> {
                    if (!e.isTextual()) {
                        throw new JsonReader.JsonTypeException(p,
                                "'" + p + "' must be a string (token-array input is not supported)");
                    }
                    return e.textValue();
                });
            } else {
                throw new JsonReader.JsonTypeException("input", "'input' must be a string or a non-empty array of "
                        + "strings");
            }
            Optional<String> format = string(root, "encoding_format", "");
            if (format.isPresent() && !format.get().equals("float") && !format.get().equals("base64")) {
                throw new JsonReader.JsonTypeException("encoding_format", "'encoding_format' must be float or base64");
            }
            return new EmbeddingRequest(model, texts, single, format, integer(root, "dimensions", ""),
                    string(root, "user", ""), extra(root, EMBEDDING_FIELDS));
        });
    }

    byte[] encodeRequest(EmbeddingRequest r) {
        return json.write(g -> {
            g.writeStartObject();
            g.writeStringField("model", r.model());
            if (r.singleInput() && r.input().size() == 1) {
                g.writeStringField("input", r.input().getFirst());
            } else {
                g.writeArrayFieldStart("input");
                for (String s : r.input()) {
                    g.writeString(s);
                }
                g.writeEndArray();
            }
            g.writeStringField("encoding_format", "float");
            WireJson.writeInt(g, "dimensions", r.dimensions());
            WireJson.writeString(g, "user", r.user());
            WireJson.writeExtra(g, r.extra());
            g.writeEndObject();
        });
    }

    EmbeddingResponse decodeResponse(byte[] body) {
        JsonNode root = json.parse(body, Side.UPSTREAM);
        return WireJson.guarded(Side.UPSTREAM, () -> {
            List<Embedding> data = array(root, "data", "", (e, p) -> readEmbedding(e, p));
            Usage usage = UsageCodec.read(root).orElse(Usage.of(0, 0));
            return new EmbeddingResponse(string(root, "model", "").orElse(""), data, usage);
        });
    }

    private static Embedding readEmbedding(JsonNode e, String path) {
        int index = (int) longOr(e, "index", 0);
        JsonNode v = e.get("embedding");
        if (v != null && v.isTextual()) {
            ByteBuffer buf = ByteBuffer.wrap(Base64.getDecoder().decode(v.textValue())).order(ByteOrder.LITTLE_ENDIAN);
            float[] out = new float[buf.remaining() / 4];
            buf.asFloatBuffer().get(out);
            return new Embedding(index, out);
        }
        if (v == null || !v.isArray()) {
            throw new JsonReader.JsonTypeException(path + ".embedding", "'" + path + ".embedding' must be an array");
        }
        float[] out = new float[v.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode n = v.get(i);
            // From the digits, not through a double: one rounding, to the float nearest the upstream's number.
            out[i] = n instanceof SourceTree.SourceDouble d ? Float.parseFloat(d.sourceText()) : (float) n.asDouble();
        }
        return new Embedding(index, out, Optional.of(JsonReader.rawOf(v)));
    }

    byte[] encodeResponse(EmbeddingResponse r, boolean base64) {
        return json.write(g -> {
            g.writeStartObject();
            g.writeStringField("object", "list");
            g.writeArrayFieldStart("data");
            for (Embedding e : r.data()) {
                g.writeStartObject();
                g.writeStringField("object", "embedding");
                g.writeNumberField("index", e.index());
                g.writeFieldName("embedding");
                Optional<RawJson> text = e.vectorJson();
                if (base64) {
                    ByteBuffer buf = ByteBuffer.allocate(e.vector().length * 4).order(ByteOrder.LITTLE_ENDIAN);
                    buf.asFloatBuffer().put(e.vector());
                    g.writeString(Base64.getEncoder().encodeToString(buf.array()));
                } else if (text.isPresent()) {
                    g.writeRawValue(text.get().json());
                } else {
                    g.writeStartArray();
                    for (float f : e.vector()) {
                        g.writeNumber(f);
                    }
                    g.writeEndArray();
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeStringField("model", r.model());
            g.writeObjectFieldStart("usage");
            g.writeNumberField("prompt_tokens", r.usage().promptTokens());
            g.writeNumberField("total_tokens", r.usage().totalTokens());
            g.writeEndObject();
            g.writeEndObject();
        });
    }
}
