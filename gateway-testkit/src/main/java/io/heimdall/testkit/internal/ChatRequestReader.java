package io.heimdall.testkit.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;

import static io.heimdall.testkit.internal.RequestFields.bool;
import static io.heimdall.testkit.internal.RequestFields.invalidType;
import static io.heimdall.testkit.internal.RequestFields.parseError;
import static io.heimdall.testkit.internal.RequestFields.string;

/** Reads a chat completion request into a {@link ChatInfo}, validating it as OpenAI does. */
final class ChatRequestReader {
    private ChatRequestReader() {
    }

    /** Reads a chat completion request; throws {@link MockError} (400) as OpenAI would answer a bad one. */
    static ChatInfo parse(byte[] body) {
        ChatInfo info = new ChatInfo();
        boolean sawMessages = false;
        try (JsonParser p = OpenAiJson.FACTORY.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw parseError();
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                switch (name) {
                    case "model" -> info.model = string(p, v, "model");
                    case "messages" -> {
                        if (v != JsonToken.START_ARRAY) {
                            throw invalidType("messages", "an array", v);
                        }
                        sawMessages = true;
                        readMessages(p, info);
                    }
                    case "stream" -> info.stream = bool(v, "stream");
                    case "stream_options" -> readStreamOptions(p, v, info);
                    case "tools" -> readTools(p, v, info);
                    case "tool_choice" -> readToolChoice(p, v, info);
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
        if (!sawMessages) {
            throw MockError.invalid("Missing required parameter: 'messages'.", "messages",
                    "missing_required_parameter");
        }
        if (info.messages == 0) {
            throw MockError.invalid("Invalid 'messages': empty array. Expected an array with minimum length 1, but "
                    + "got an empty array instead.", "messages", "empty_array");
        }
        return info;
    }

    private static void readMessages(JsonParser p, ChatInfo info) throws IOException {
        int index = 0;
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            String at = "messages[" + index + "]";
            if (t != JsonToken.START_OBJECT) {
                throw invalidType(at, "an object", t);
            }
            String role = null;
            String text = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                switch (name) {
                    case "role" -> role = string(p, v, at + ".role");
                    case "content" -> {
                        if (v == JsonToken.VALUE_STRING) {
                            text = p.getText();
                        } else if (v == JsonToken.START_ARRAY) {
                            text = readParts(p);
                        } else if (v != JsonToken.VALUE_NULL) {
                            throw invalidType(at + ".content", "one of a string or an array of objects", v);
                        }
                    }
                    default -> p.skipChildren();
                }
            }
            if (role == null) {
                throw MockError.invalid("Missing required parameter: '" + at + ".role'.", at + ".role",
                        "missing_required_parameter");
            }
            switch (role) {
                case "system", "developer", "user", "assistant", "tool", "function" -> {
                }
                default -> throw MockError.invalid("Invalid value: '" + role + "'. Supported values are: 'system', "
                        + "'assistant', 'user', 'function', 'tool', and 'developer'.", at + ".role", "invalid_value");
            }
            info.messages++;
            info.promptWords += Words.count(text);
            info.lastRole = role;
            if (role.equals("user")) {
                info.lastUserText = text == null ? "" : text;
            }
            index++;
        }
    }

    private static String readParts(JsonParser p) throws IOException {
        StringBuilder sb = null;
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t != JsonToken.START_OBJECT) {
                p.skipChildren();
                continue;
            }
            String type = null;
            String text = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                if (name.equals("type") && v == JsonToken.VALUE_STRING) {
                    type = p.getText();
                } else if (name.equals("text") && v == JsonToken.VALUE_STRING) {
                    text = p.getText();
                } else {
                    p.skipChildren();
                }
            }
            if ("text".equals(type) && text != null) {
                if (sb == null) {
                    sb = new StringBuilder(text);
                } else {
                    sb.append('\n').append(text);
                }
            }
        }
        return sb == null ? "" : sb.toString();
    }

    private static void readStreamOptions(JsonParser p, JsonToken v, ChatInfo info) throws IOException {
        if (v == JsonToken.VALUE_NULL) {
            return;
        }
        if (v != JsonToken.START_OBJECT) {
            throw invalidType("stream_options", "an object", v);
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken t = p.nextToken();
            if (name.equals("include_usage")) {
                info.includeUsage = bool(t, "stream_options.include_usage");
            } else if (name.equals("include_obfuscation")) {
                info.includeObfuscation = t == JsonToken.VALUE_NULL || bool(t, "stream_options.include_obfuscation");
            } else {
                p.skipChildren();
            }
        }
    }

    private static void readTools(JsonParser p, JsonToken v, ChatInfo info) throws IOException {
        if (v == JsonToken.VALUE_NULL) {
            return;
        }
        if (v != JsonToken.START_ARRAY) {
            throw invalidType("tools", "an array", v);
        }
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t != JsonToken.START_OBJECT) {
                p.skipChildren();
                continue;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken f = p.nextToken();
                if (name.equals("function") && f == JsonToken.START_OBJECT) {
                    String fn = readNameField(p);
                    if (info.firstTool == null) {
                        info.firstTool = fn;
                    }
                } else {
                    p.skipChildren();
                }
            }
        }
    }

    private static void readToolChoice(JsonParser p, JsonToken v, ChatInfo info) throws IOException {
        if (v == JsonToken.VALUE_STRING) {
            String mode = p.getText();
            switch (mode) {
                case "none", "auto", "required" -> info.toolChoice = mode;
                default -> throw MockError.invalid("Invalid value: '" + mode + "'. Supported values are: 'none', "
                        + "'auto', and 'required'.", "tool_choice", "invalid_value");
            }
        } else if (v == JsonToken.START_OBJECT) {
            String type = null;
            String function = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken f = p.nextToken();
                if (name.equals("type") && f == JsonToken.VALUE_STRING) {
                    type = p.getText();
                } else if (name.equals("function") && f == JsonToken.START_OBJECT) {
                    function = readNameField(p);
                } else {
                    p.skipChildren();
                }
            }
            if ("function".equals(type) && function != null) {
                info.toolChoice = "function";
                info.toolChoiceFunction = function;
            }
        } else if (v != JsonToken.VALUE_NULL) {
            throw invalidType("tool_choice", "a string or an object", v);
        }
    }

    /** Reads an object (positioned at its start), returning its {@code name} string. */
    private static String readNameField(JsonParser p) throws IOException {
        String found = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken f = p.nextToken();
            if (name.equals("name") && f == JsonToken.VALUE_STRING) {
                found = p.getText();
            } else {
                p.skipChildren();
            }
        }
        return found;
    }
}
