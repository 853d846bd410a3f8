package io.heimdall.core.internal.wire;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import io.heimdall.api.model.GatewayError;
import io.heimdall.api.model.ModelInfo;
import io.heimdall.core.internal.wire.WireJson.Side;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

import static io.heimdall.core.internal.wire.JsonReader.array;
import static io.heimdall.core.internal.wire.JsonReader.longOr;
import static io.heimdall.core.internal.wire.JsonReader.requiredString;
import static io.heimdall.core.internal.wire.JsonReader.string;

/** Model lists ({@code GET /v1/models}) and errors in the OpenAI shape. */
final class ModelsAndErrorsCodec {
    private final WireJson json;

    ModelsAndErrorsCodec(WireJson json) {
        this.json = json;
    }

    List<ModelInfo> decodeModelList(byte[] body) {
        JsonNode root = json.parse(body, Side.UPSTREAM);
        return WireJson.guarded(Side.UPSTREAM, () -> array(root, "data", "", (m, p) -> new ModelInfo(
                requiredString(m, "id", p), longOr(m, "created", 0), string(m, "owned_by", p).orElse("unknown"))));
    }

    byte[] encodeModel(ModelInfo m) {
        return json.write(g -> writeModel(g, m));
    }

    byte[] encodeModelList(List<ModelInfo> models) {
        return json.write(g -> {
            g.writeStartObject();
            g.writeStringField("object", "list");
            g.writeArrayFieldStart("data");
            for (ModelInfo m : models) {
                writeModel(g, m);
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    private static void writeModel(JsonGenerator g, ModelInfo m) throws IOException {
        g.writeStartObject();
        g.writeStringField("id", m.id());
        g.writeStringField("object", "model");
        g.writeNumberField("created", m.created());
        g.writeStringField("owned_by", m.ownedBy());
        g.writeEndObject();
    }

    byte[] encodeError(GatewayError e) {
        return json.write(g -> {
            g.writeStartObject();
            g.writeObjectFieldStart("error");
            g.writeStringField("message", e.message());
            g.writeStringField("type", e.type());
            if (e.param().isPresent()) {
                g.writeStringField("param", e.param().get());
            } else {
                g.writeNullField("param");
            }
            if (e.code().isPresent()) {
                g.writeStringField("code", e.code().get());
            } else {
                g.writeNullField("code");
            }
            g.writeEndObject();
            g.writeEndObject();
        });
    }

    GatewayError decodeError(int status, byte[] body) {
        int code = status >= 400 && status <= 599 ? status : 502;
        String type = GatewayError.typeForStatus(code);
        String message = null;
        Optional<String> param = Optional.empty();
        Optional<String> errorCode = Optional.empty();
        try {
            JsonNode root = json.parseAny(body, Side.UPSTREAM);
            JsonNode err = root.get("error");
            if (err != null && err.isObject()) {
                message = text(err.get("message"));
                type = Optional.ofNullable(text(err.get("type"))).orElse(type);
                param = Optional.ofNullable(text(err.get("param")));
                errorCode = Optional.ofNullable(text(err.get("code")));
            } else if (err != null && err.isTextual()) {
                message = err.textValue();
            } else if (root.isObject()) {
                message = text(root.get("message"));
                if (message == null) {
                    message = text(root.get("detail"));
                }
            }
        } catch (RuntimeException ignored) {
            // not JSON: fall through to an excerpt
        }
        if (message == null || message.isBlank()) {
            String text = new String(body, 0, Math.min(body.length, 300), StandardCharsets.UTF_8).strip();
            message = text.isEmpty() ? "Upstream returned HTTP " + status + " with an empty body"
                    : "Upstream returned HTTP " + status + ": " + text.replaceAll("\\s+", " ");
        }
        return new GatewayError(code, type, message, param, errorCode, Optional.empty());
    }

    private static String text(JsonNode n) {
        if (n == null || n.isNull() || n.isMissingNode()) {
            return null;
        }
        return n.isValueNode() ? n.asText() : SourceTree.text(n);
    }
}
