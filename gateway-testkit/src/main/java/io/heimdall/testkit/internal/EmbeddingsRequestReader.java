package io.heimdall.testkit.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;

import static io.heimdall.testkit.internal.RequestFields.invalidType;
import static io.heimdall.testkit.internal.RequestFields.parseError;
import static io.heimdall.testkit.internal.RequestFields.string;

/** Reads an embeddings request into an {@link EmbeddingInfo}, validating it as OpenAI does. */
final class EmbeddingsRequestReader {
    private EmbeddingsRequestReader() {
    }

    /** Reads an embeddings request; throws {@link MockError} (400) for a bad one. */
    static EmbeddingInfo parse(byte[] body) {
        EmbeddingInfo info = new EmbeddingInfo();
        try (JsonParser p = OpenAiJson.FACTORY.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw parseError();
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                switch (name) {
                    case "model" -> info.model = string(p, v, "model");
                    case "input" -> readInput(p, v, info);
                    case "encoding_format" -> {
                        String format = string(p, v, "encoding_format");
                        if ("base64".equals(format)) {
                            info.base64 = true;
                        } else if (format != null && !format.equals("float")) {
                            throw MockError.invalid("Invalid value: '" + format + "'. Supported values are: 'float' "
                                    + "and 'base64'.", "encoding_format", "invalid_value");
                        }
                    }
                    case "dimensions" -> {
                        if (v == JsonToken.VALUE_NUMBER_INT) {
                            int d = p.getIntValue();
                            if (d < 1 || d > 8192) {
                                throw MockError.invalid("Invalid 'dimensions': expected a value between 1 and 8192, "
                                        + "but got " + d + " instead.", "dimensions", "invalid_value");
                            }
                            info.dimensions = d;
                        } else if (v != JsonToken.VALUE_NULL) {
                            throw invalidType("dimensions", "an integer", v);
                        }
                    }
                    default -> p.skipChildren();
                }
            }
            if (p.nextToken() != null) {
                throw parseError();
            }
        } catch (IOException e) {
            throw parseError();
        }
        if (info.model == null) {
            throw MockError.invalid("you must provide a model parameter", null, null);
        }
        if (!info.sawInput) {
            throw MockError.invalid("Missing required parameter: 'input'.", "input", "missing_required_parameter");
        }
        if (info.inputs.isEmpty()) {
            throw MockError.invalid("Invalid 'input': empty array. Expected an array with minimum length 1, but got "
                    + "an empty array instead.", "input", "empty_array");
        }
        return info;
    }

    private static void readInput(JsonParser p, JsonToken v, EmbeddingInfo info) throws IOException {
        info.sawInput = true;
        if (v == JsonToken.VALUE_STRING) {
            info.inputs.add(p.getText());
            return;
        }
        if (v != JsonToken.START_ARRAY) {
            throw invalidType("input", "a string or an array", v);
        }
        JsonToken t;
        StringBuilder tokens = null;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t == JsonToken.VALUE_STRING) {
                info.inputs.add(p.getText());
            } else if (t == JsonToken.VALUE_NUMBER_INT) {
                tokens = tokens == null ? new StringBuilder() : tokens.append(' ');
                tokens.append(p.getText());
            } else if (t == JsonToken.START_ARRAY) {
                StringBuilder sb = new StringBuilder();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    if (!sb.isEmpty()) {
                        sb.append(' ');
                    }
                    sb.append(p.getText());
                }
                info.inputs.add(sb.toString());
            } else {
                throw invalidType("input[" + info.inputs.size() + "]", "a string", t);
            }
        }
        if (tokens != null) {
            info.inputs.add(tokens.toString());
        }
    }
}
