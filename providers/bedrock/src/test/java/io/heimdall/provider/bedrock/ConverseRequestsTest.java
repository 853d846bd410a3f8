package io.heimdall.provider.bedrock;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.heimdall.api.GatewayException;
import io.heimdall.api.model.CacheControl;
import io.heimdall.api.model.ChatMessage;
import io.heimdall.api.model.ChatRequest;
import io.heimdall.api.model.ContentPart;
import io.heimdall.api.model.MessageContent;
import io.heimdall.api.model.RawJson;
import io.heimdall.api.model.ResponseFormat;
import io.heimdall.api.model.Tool;
import io.heimdall.api.model.ToolCall;
import io.heimdall.api.model.ToolChoice;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A golden Converse request body, written from the Converse API reference, for a request using most features. */
class ConverseRequestsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aRichRequestBecomesTheDocumentedConverseBody() throws Exception {
        ChatRequest request = ChatRequest.builder().model("anthropic.claude-3-5-sonnet-20240620-v1:0")
                .addMessage(ChatMessage.builder("system").content(new MessageContent.Parts(List.of(
                        new ContentPart.Text("You are terse.").withCacheControl(CacheControl.ephemeral("1h")))))
                        .build())
                .addMessage(ChatMessage.builder("user").content(new MessageContent.Parts(List.of(
                        ContentPart.text("Weather here?"),
                        new ContentPart.Image("data:image/jpeg;base64,/9j/4AAQ", Optional.empty())))).build())
                .addMessage(ChatMessage.assistantToolCalls(Optional.of("Checking."), List.of(
                        ToolCall.function("call_1", "get_weather", "{\"city\":\"Oslo\"}"))))
                .addMessage(ChatMessage.tool("call_1", "-3 C"))
                .addMessage(ChatMessage.user("And tomorrow?"))
                .tools(List.of(Tool.function("get_weather", "Current weather", new RawJson(
                        "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}"))
                        .withCacheControl(CacheControl.ephemeral())))
                .toolChoice(ToolChoice.mode("auto"))
                .maxCompletionTokens(512).temperature(0.5).topP(0.8).stop(List.of("\n\n"))
                .responseFormat(new ResponseFormat("json_schema", Optional.of("forecast"),
                        Optional.of(new RawJson("{\"type\":\"object\"}")), Optional.empty()))
                .build();
        String expected = """
                {
                  "messages": [
                    {"role": "user", "content": [
                      {"text": "Weather here?"},
                      {"image": {"format": "jpeg", "source": {"bytes": "/9j/4AAQ"}}}
                    ]},
                    {"role": "assistant", "content": [
                      {"text": "Checking."},
                      {"toolUse": {"toolUseId": "call_1", "name": "get_weather", "input": {"city": "Oslo"}}}
                    ]},
                    {"role": "user", "content": [
                      {"toolResult": {"toolUseId": "call_1", "content": [{"text": "-3 C"}]}},
                      {"text": "And tomorrow?"}
                    ]}
                  ],
                  "system": [{"text": "You are terse."}, {"cachePoint": {"type": "default", "ttl": "1h"}}],
                  "inferenceConfig": {"maxTokens": 512, "temperature": 0.5, "topP": 0.8, "stopSequences": ["\\n\\n"]},
                  "toolConfig": {
                    "tools": [
                      {"toolSpec": {"name": "get_weather", "description": "Current weather",
                        "inputSchema": {"json": {"type": "object", "properties": {"city": {"type": "string"}}}}}},
                      {"cachePoint": {"type": "default"}}
                    ],
                    "toolChoice": {"auto": {}}
                  },
                  "outputConfig": {"textFormat": {"type": "json_schema",
                    "structure": {"jsonSchema": {"schema": "{\\"type\\":\\"object\\"}", "name": "forecast"}}}}
                }
                """;
        assertEquals(JSON.readTree(expected), JSON.readTree(new ConverseRequests("b").body(request)));
    }

    @Test
    void requestsConverseCannotExpressAre400s() {
        ConverseRequests requests = new ConverseRequests("b");
        assertEquals(400, assertThrows(GatewayException.class, () -> requests.body(ChatRequest.builder().model("m")
                .addMessage(ChatMessage.user("x")).n(2).build())).error().status());
        assertEquals("messages[0].tool_calls[0].function.arguments", assertThrows(GatewayException.class,
                () -> requests.body(ChatRequest.builder().model("m").addMessage(ChatMessage.assistantToolCalls(
                        Optional.empty(), List.of(ToolCall.function("c", "f", "[1]")))).build()))
                .error().param().orElseThrow());
        assertEquals(400, assertThrows(GatewayException.class, () -> requests.image(
                "data:image/bmp;base64,AAAA", "p")).error().status());
        assertEquals("s3://bucket/cat.png", requests.image("s3://bucket/cat.png", "p")
                .at("/image/source/s3Location/uri").asText());
    }
}
