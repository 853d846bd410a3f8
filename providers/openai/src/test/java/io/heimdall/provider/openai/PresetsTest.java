package io.heimdall.provider.openai;

import io.heimdall.api.GatewayException;
import io.heimdall.api.model.ChatMessage;
import io.heimdall.api.model.ChatRequest;
import io.heimdall.api.model.ChatResponse;
import io.heimdall.api.model.RawJson;
import io.heimdall.api.model.StreamOptions;
import io.heimdall.api.plugin.Secret;
import io.heimdall.api.provider.ApiKey;
import io.heimdall.api.provider.Capability;
import io.heimdall.api.provider.Provider;
import io.heimdall.api.provider.ProviderCall;
import io.heimdall.api.provider.ProviderFactory;
import io.heimdall.core.StandaloneContext;
import io.heimdall.testkit.MockOpenAiServer;
import io.heimdall.testkit.RecordedRequest;
import io.heimdall.testkit.TestRequestContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every preset against the OpenAI mock: URL path, auth header, the quirks table applied, defaults. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(30)
class PresetsTest {
    private static final Secret KEY = Secret.of("gsk-preset-test-SECRET-0123456789");

    private MockOpenAiServer mock;

    @BeforeAll
    void start() {
        mock = MockOpenAiServer.start();
    }

    @AfterAll
    void stop() {
        mock.close();
    }

    @BeforeEach
    void reset() {
        mock.reset();
    }

    private static List<PresetProviderFactory> factories() {
        List<PresetProviderFactory> out = new ArrayList<>();
        for (Class<? extends PresetProviderFactory> c : PresetFactories.ALL) {
            try {
                out.add(c.getConstructor().newInstance());
            } catch (ReflectiveOperationException e) {
                throw new AssertionError(c + " has no public no-arg constructor", e);
            }
        }
        return out;
    }

    private Provider provider(ProviderFactory factory, Map<String, Object> extra) {
        Map<String, Object> config = new java.util.LinkedHashMap<>(extra);
        config.putIfAbsent("base-url", mock.baseUrl());
        return factory.create(StandaloneContext.config("providers." + factory.id(), config, factory.configSpec()),
                StandaloneContext.create(factory.id()));
    }

    private static ProviderCall call(Optional<Secret> key) {
        return new ProviderCall("p", key.map(k -> ApiKey.of("p#0", k)), new TestRequestContext(), 1);
    }

    /** A request with every field some preset drops or maps. */
    private static ChatRequest loaded() {
        return ChatRequest.builder().model("m")
                .addMessage(ChatMessage.builder("user").content("hello there").name("alice").build())
                .seed(7L).user("u-1").presencePenalty(0.5).frequencyPenalty(0.25).parallelToolCalls(true)
                .maxCompletionTokens(33).n(1)
                .extra("logprobs", new RawJson("true")).extra("top_logprobs", new RawJson("2"))
                .extra("logit_bias", new RawJson("{\"50256\":-100}")).extra("service_tier", RawJson.string("auto"))
                .extra("custom_field", RawJson.string("kept"))
                .build();
    }

    @Test
    void fourteenPresetsWithDistinctTypes() {
        List<PresetProviderFactory> all = factories();
        assertEquals(14, all.size());
        Set<String> ids = new HashSet<>();
        all.forEach(f -> ids.add(f.id()));
        assertEquals(Set.of("groq", "together", "fireworks", "deepseek", "xai", "openrouter", "cerebras",
                "perplexity", "nvidia-nim", "ollama", "vllm", "lm-studio", "sglang", "huggingface"), ids);
        for (PresetProviderFactory f : all) {
            Preset p = Preset.of(f.id()).orElseThrow();
            assertEquals(Optional.of(p.baseUrl()),
                    f.configSpec().option("base-url").flatMap(io.heimdall.api.plugin.ConfigOption::defaultValue),
                    f.id());
            assertTrue(p.baseUrl().startsWith(p.keyRequired() ? "https://" : "http://localhost:"), f.id());
        }
    }

    @Test
    void everyPresetPostsToChatCompletionsWithBearerKeyAndAppliesItsQuirks() {
        for (PresetProviderFactory f : factories()) {
            mock.reset();
            Preset preset = Preset.of(f.id()).orElseThrow();
            try (Provider provider = provider(f, Map.of())) {
                ChatResponse response = provider.chat(loaded(), call(Optional.of(KEY)));
                assertEquals(MockOpenAiServer.echo("hello there"), response.choices().getFirst().message().text(),
                        f.id());
                RecordedRequest sent = mock.requests().getFirst();
                assertEquals("POST", sent.method());
                assertEquals("/v1/chat/completions", sent.path(), f.id());
                assertEquals(Optional.of("Bearer " + KEY.reveal()), sent.header("authorization"), f.id());
                for (String field : preset.dropFields()) {
                    String pointer = field.equals(Quirks.MESSAGE_NAME) ? "/messages/0/name" : "/" + field;
                    assertEquals(Optional.empty(), sent.jsonValue(pointer), f.id() + " must drop " + field);
                }
                assertEquals(Optional.of("kept"), sent.jsonValue("/custom_field"), f.id());
                if (preset.maxTokensOnly()) {
                    assertEquals(Optional.of("33"), sent.jsonValue("/max_tokens"), f.id());
                    assertEquals(Optional.empty(), sent.jsonValue("/max_completion_tokens"), f.id());
                } else {
                    assertEquals(Optional.of("33"), sent.jsonValue("/max_completion_tokens"), f.id());
                }
                if (!preset.dropFields().contains("seed")) {
                    assertEquals(Optional.of("7"), sent.jsonValue("/seed"), f.id());
                }
                assertEquals(preset.singleChoice() ? Optional.empty() : Optional.of("1"), sent.jsonValue("/n"),
                        f.id());
                for (Capability lacking : preset.lacks()) {
                    assertFalse(provider.capabilities().contains(lacking), f.id() + " " + lacking);
                }
                assertTrue(provider.capabilities().contains(Capability.CHAT));
            }
        }
    }

    @Test
    void groqDropsItsRejectedFieldsAndRefusesSeveralChoices() {
        try (Provider groq = provider(new PresetFactories.Groq(), Map.of())) {
            groq.chat(loaded(), call(Optional.of(KEY)));
            RecordedRequest sent = mock.requests().getFirst();
            for (String pointer : List.of("/logprobs", "/top_logprobs", "/logit_bias", "/messages/0/name")) {
                assertEquals(Optional.empty(), sent.jsonValue(pointer), pointer);
            }
            assertEquals(Optional.of("auto"), sent.jsonValue("/service_tier"), "groq keeps service_tier");
            GatewayException e = assertThrows(GatewayException.class, () -> groq.chat(
                    loaded().toBuilder().n(3).build(), call(Optional.of(KEY))));
            assertEquals(400, e.error().status());
            assertEquals(Optional.of("n"), e.error().param());
            assertTrue(e.error().message().contains("groq"), e.error().message());
            assertEquals(1, mock.requests().size(), "the refused request never left");
        }
    }

    @Test
    void cerebrasStreamKeepsStreamOptionsButDropsPenalties() {
        try (Provider cerebras = provider(new PresetFactories.Cerebras(), Map.of())) {
            List<io.heimdall.api.model.ChatChunk> chunks = new ArrayList<>();
            cerebras.stream(loaded().toBuilder().stream(true).streamOptions(new StreamOptions(true, Map.of()))
                    .build(), call(Optional.of(KEY)), chunks::add);
            assertTrue(chunks.getLast().usage().isPresent(), "usage chunk");
            RecordedRequest sent = mock.requests().getFirst();
            assertEquals(Optional.of("true"), sent.jsonValue("/stream_options/include_usage"));
            assertEquals(Optional.empty(), sent.jsonValue("/presence_penalty"));
            assertEquals(Optional.empty(), sent.jsonValue("/frequency_penalty"));
            assertEquals(Optional.empty(), sent.jsonValue("/parallel_tool_calls"));
        }
    }

    @Test
    void perplexityDropsStreamOptionsAndSeedAndHasNoTools() {
        try (Provider perplexity = provider(new PresetFactories.Perplexity(), Map.of())) {
            perplexity.stream(loaded().toBuilder().stream(true).streamOptions(new StreamOptions(true, Map.of()))
                    .build(), call(Optional.of(KEY)), c -> { });
            RecordedRequest sent = mock.requests().getFirst();
            assertEquals(Optional.empty(), sent.jsonValue("/stream_options"));
            assertEquals(Optional.empty(), sent.jsonValue("/seed"));
            assertFalse(perplexity.capabilities().contains(Capability.TOOLS));
            assertFalse(perplexity.capabilities().contains(Capability.MODEL_LISTING));
        }
    }

    @Test
    void localServersNeedNoKeyAndSendNoAuthorization() {
        for (ProviderFactory f : List.of(new PresetFactories.Ollama(), new PresetFactories.Vllm(),
                new PresetFactories.LmStudio(), new PresetFactories.Sglang())) {
            mock.reset();
            try (Provider local = provider(f, Map.of())) {
                local.chat(loaded(), call(Optional.empty()));
                assertEquals(Optional.empty(), mock.requests().getFirst().header("authorization"), f.id());
            }
        }
    }

    @Test
    void hostedServicesRefuseToSendWithoutKey() {
        try (Provider groq = provider(new PresetFactories.Groq(), Map.of())) {
            GatewayException e = assertThrows(GatewayException.class,
                    () -> groq.chat(loaded(), call(Optional.empty())));
            assertEquals(401, e.error().status());
            assertTrue(mock.requests().isEmpty());
        }
    }

    @Test
    void configDropFieldsAddToThePresetsOwn() {
        try (Provider together = provider(new PresetFactories.Together(),
                Map.of("drop-fields", List.of("user", "custom_field")))) {
            together.chat(loaded(), call(Optional.of(KEY)));
            RecordedRequest sent = mock.requests().getFirst();
            assertEquals(Optional.empty(), sent.jsonValue("/user"));
            assertEquals(Optional.empty(), sent.jsonValue("/custom_field"));
            assertEquals(Optional.of("7"), sent.jsonValue("/seed"));
        }
    }

    @Test
    void theErrorOfAServiceKeepsItsStatusAndMessage() {
        mock.enqueue(io.heimdall.testkit.MockBehavior.error(429, "rate_limit_exceeded", "Rate limit reached"));
        try (Provider groq = provider(new PresetFactories.Groq(), Map.of())) {
            GatewayException e = assertThrows(GatewayException.class,
                    () -> groq.chat(loaded(), call(Optional.of(KEY))));
            assertEquals(429, e.error().status());
            assertTrue(e.error().message().contains("Rate limit reached"), e.error().message());
            assertFalse(e.getMessage().contains(KEY.reveal()));
        }
    }
}
