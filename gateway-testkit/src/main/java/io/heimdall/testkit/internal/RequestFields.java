package io.heimdall.testkit.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;

/** Scalar field readers and the 400 errors OpenAI answers a malformed request with, shared by the request readers. */
final class RequestFields {
    private static final String PARSE_ERROR = "We could not parse the JSON body of your request. (HINT: This likely "
            + "means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was "
            + "sent was not valid JSON. If you have trouble figuring out how to fix this, please visit "
            + "https://platform.openai.com/docs/guides/text?api-mode=chat or contact us through our help center at "
            + "help.openai.com.)";

    private RequestFields() {
    }

    static String string(JsonParser p, JsonToken v, String param) throws IOException {
        if (v == JsonToken.VALUE_STRING) {
            return p.getText();
        }
        if (v == JsonToken.VALUE_NULL) {
            return null;
        }
        throw invalidType(param, "a string", v);
    }

    static boolean bool(JsonToken v, String param) {
        return switch (v) {
            case VALUE_TRUE -> true;
            case VALUE_FALSE, VALUE_NULL -> false;
            default -> throw invalidType(param, "a boolean", v);
        };
    }

    static MockError parseError() {
        return MockError.invalid(PARSE_ERROR, null, null);
    }

    static MockError invalidType(String param, String expected, JsonToken got) {
        String name = switch (got) {
            case VALUE_NUMBER_INT -> "an integer";
            case VALUE_NUMBER_FLOAT -> "a decimal";
            case VALUE_STRING -> "a string";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case START_ARRAY -> "an array";
            case START_OBJECT -> "an object";
            default -> "null";
        };
        return MockError.invalid("Invalid type for '" + param + "': expected " + expected + ", but got " + name
                + " instead.", param, "invalid_type");
    }
}
