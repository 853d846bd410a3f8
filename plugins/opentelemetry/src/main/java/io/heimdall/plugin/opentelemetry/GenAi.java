package io.heimdall.plugin.opentelemetry;

import io.heimdall.api.model.ChatMessage;
import io.opentelemetry.api.common.AttributeKey;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The span attributes: OpenTelemetry GenAI and HTTP semantic conventions, plus a few {@code heimdall.*} ones for what
 * the conventions do not name.
 */
final class GenAi {
    static final AttributeKey<String> OPERATION = AttributeKey.stringKey("gen_ai.operation.name");
    static final AttributeKey<String> PROVIDER = AttributeKey.stringKey("gen_ai.provider.name");
    static final AttributeKey<String> SYSTEM = AttributeKey.stringKey("gen_ai.system");
    static final AttributeKey<String> REQUEST_MODEL = AttributeKey.stringKey("gen_ai.request.model");
    static final AttributeKey<String> RESPONSE_MODEL = AttributeKey.stringKey("gen_ai.response.model");
    static final AttributeKey<String> RESPONSE_ID = AttributeKey.stringKey("gen_ai.response.id");
    static final AttributeKey<Long> MAX_TOKENS = AttributeKey.longKey("gen_ai.request.max_tokens");
    static final AttributeKey<Double> TEMPERATURE = AttributeKey.doubleKey("gen_ai.request.temperature");
    static final AttributeKey<Double> TOP_P = AttributeKey.doubleKey("gen_ai.request.top_p");
    static final AttributeKey<List<String>> FINISH_REASONS =
            AttributeKey.stringArrayKey("gen_ai.response.finish_reasons");
    static final AttributeKey<Long> INPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.input_tokens");
    static final AttributeKey<Long> OUTPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.output_tokens");
    static final AttributeKey<String> INPUT_MESSAGES = AttributeKey.stringKey("gen_ai.input.messages");
    static final AttributeKey<String> OUTPUT_MESSAGES = AttributeKey.stringKey("gen_ai.output.messages");
    static final AttributeKey<Double> TIME_TO_FIRST_CHUNK =
            AttributeKey.doubleKey("gen_ai.response.time_to_first_chunk");
    static final String FIRST_TOKEN_EVENT = "gen_ai.first_token";
    static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
    static final AttributeKey<Long> HTTP_STATUS = AttributeKey.longKey("http.response.status_code");
    static final AttributeKey<String> SERVER_ADDRESS = AttributeKey.stringKey("server.address");
    static final AttributeKey<Long> SERVER_PORT = AttributeKey.longKey("server.port");
    static final AttributeKey<String> REQUEST_ID = AttributeKey.stringKey("heimdall.request.id");
    static final AttributeKey<String> CALLER = AttributeKey.stringKey("heimdall.caller");
    static final AttributeKey<Boolean> STREAM = AttributeKey.booleanKey("heimdall.stream");
    static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("heimdall.attempt.number");
    static final AttributeKey<Long> RETRY = AttributeKey.longKey("heimdall.attempt.retry");
    static final AttributeKey<Long> ATTEMPTS = AttributeKey.longKey("heimdall.attempts");
    static final AttributeKey<String> KEY_NAME = AttributeKey.stringKey("heimdall.key.name");
    static final AttributeKey<String> FAULT = AttributeKey.stringKey("heimdall.fault");
    static final AttributeKey<String> SERVED_BY = AttributeKey.stringKey("heimdall.served_by");
    static final AttributeKey<Boolean> CACHE_HIT = AttributeKey.booleanKey("heimdall.cache.hit");

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
