package io.heimdall.plugin.opentelemetry;

import io.heimdall.api.model.ChatMessage;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The span attributes' keys, each encoded once as its OTLP {@code KeyValue.key} field: OpenTelemetry GenAI and HTTP
 * semantic conventions, plus a few {@code heimdall.*} ones for what the conventions do not name.
 */
final class GenAi {
    static final byte[] OPERATION = Otlp.key("gen_ai.operation.name");
    static final byte[] PROVIDER = Otlp.key("gen_ai.provider.name");
    static final byte[] SYSTEM = Otlp.key("gen_ai.system");
    static final byte[] REQUEST_MODEL = Otlp.key("gen_ai.request.model");
    static final byte[] RESPONSE_MODEL = Otlp.key("gen_ai.response.model");
    static final byte[] RESPONSE_ID = Otlp.key("gen_ai.response.id");
    static final byte[] MAX_TOKENS = Otlp.key("gen_ai.request.max_tokens");
    static final byte[] TEMPERATURE = Otlp.key("gen_ai.request.temperature");
    static final byte[] TOP_P = Otlp.key("gen_ai.request.top_p");
    static final byte[] FINISH_REASONS = Otlp.key("gen_ai.response.finish_reasons");
    static final byte[] INPUT_TOKENS = Otlp.key("gen_ai.usage.input_tokens");
    static final byte[] OUTPUT_TOKENS = Otlp.key("gen_ai.usage.output_tokens");
    static final byte[] INPUT_MESSAGES = Otlp.key("gen_ai.input.messages");
    static final byte[] OUTPUT_MESSAGES = Otlp.key("gen_ai.output.messages");
    static final byte[] TIME_TO_FIRST_CHUNK = Otlp.key("gen_ai.response.time_to_first_chunk");
    static final String FIRST_TOKEN_EVENT = "gen_ai.first_token";
    static final byte[] SECONDS = Otlp.key("seconds");
    static final byte[] ERROR_TYPE = Otlp.key("error.type");
    static final byte[] HTTP_STATUS = Otlp.key("http.response.status_code");
    static final byte[] SERVER_ADDRESS = Otlp.key("server.address");
    static final byte[] SERVER_PORT = Otlp.key("server.port");
    static final byte[] REQUEST_ID = Otlp.key("heimdall.request.id");
    static final byte[] CALLER = Otlp.key("heimdall.caller");
    static final byte[] STREAM = Otlp.key("heimdall.stream");
    static final byte[] ATTEMPT = Otlp.key("heimdall.attempt.number");
    static final byte[] RETRY = Otlp.key("heimdall.attempt.retry");
    static final byte[] ATTEMPTS = Otlp.key("heimdall.attempts");
    static final byte[] KEY_NAME = Otlp.key("heimdall.key.name");
    static final byte[] FAULT = Otlp.key("heimdall.fault");
    static final byte[] SERVED_BY = Otlp.key("heimdall.served_by");
    static final byte[] CACHE_HIT = Otlp.key("heimdall.cache.hit");

    private static final ObjectMapper JSON = new ObjectMapper();

    private GenAi() {
    }

    /** Messages as the GenAI conventions' JSON: {@code [{"role":"user","parts":[{"type":"text","content":"..."}]}]}. */
    static String messagesJson(List<ChatMessage> messages) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (ChatMessage m : messages) {
            out.add(Map.of("role", m.role(), "parts", List.of(Map.of("type", "text", "content", m.text()))));
        }
        try {
            return JSON.writeValueAsString(out);
        } catch (JsonProcessingException e) {
            return "[]";
        }
    }
}
