package io.heimdall.core;

import io.heimdall.api.GatewayException;
import io.heimdall.api.model.ChatMessage;
import io.heimdall.api.model.ChatRequest;
import io.heimdall.api.model.ContentPart;
import io.heimdall.api.model.GatewayError;
import io.heimdall.api.model.MessageContent;
import io.heimdall.api.model.RawJson;
import io.heimdall.api.model.Tool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Provider.capabilities(model): targets lacking what a request needs are skipped; none left is a precise 400. */
class CapabilityRoutingTest {
    @TempDir
    static Path dir;
    static Gateway gateway;

    @BeforeAll
    static void start() throws Exception {
        Path file = Files.writeString(dir.resolve("heimdall.yaml"), """
                providers:
                  a: { type: scripted, label: plain-a }
                  b: { type: scripted, label: full-b }
                models:
                  mixed: { targets: [ { model: a/plain-model, priority: 0 }, { model: b/ok, priority: 1 } ] }
                  only-plain: { targets: [ { model: a/plain-model } ] }
                """);
        gateway = Gateway.builder().config(file).http(false).watchConfig(false)
                .factory(new ScriptedProviderFactory()).start();
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    private static ChatRequest withTools(String model) {
        return ChatRequest.builder().model(model).addMessage(ChatMessage.user("hi"))
                .tools(List.of(Tool.function("f", "a tool", new RawJson("{\"type\":\"object\"}")))).build();
    }

    @Test
    void aTargetWithoutToolsIsSkippedForAToolRequest() {
        assertEquals("full-b: hi", gateway.chat(withTools("mixed")).firstText());
        assertEquals("plain-a: hi", gateway.chat(ChatRequest.builder().model("mixed")
                .addMessage(ChatMessage.user("hi")).build()).firstText(), "without tools the first target serves");
    }

    @Test
    void noCapableTargetIsA400NamingProviderModelAndField() {
        GatewayError e = assertThrows(GatewayException.class, () -> gateway.chat(withTools("only-plain"))).error();
        assertEquals(400, e.status());
        assertEquals(Optional.of("tools"), e.param());
        assertEquals(Optional.of("unsupported_feature"), e.code());
        assertTrue(e.message().contains("'a'") && e.message().contains("plain-model"), e.message());

        ChatMessage image = ChatMessage.builder("user").content(new MessageContent.Parts(List.of(
                ContentPart.text("what?"), new ContentPart.Image("https://example.com/x.png", Optional.empty()))))
                .build();
        GatewayError vision = assertThrows(GatewayException.class, () -> gateway.chat(ChatRequest.builder()
                .model("a/plain-model").addMessage(image).build())).error();
        assertEquals(Optional.of("messages[0].content[1]"), vision.param());
    }
}
