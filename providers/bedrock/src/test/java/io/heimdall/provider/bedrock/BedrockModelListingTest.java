package io.heimdall.provider.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.heimdall.api.model.ModelInfo;
import io.heimdall.api.provider.Provider;
import io.heimdall.api.provider.ProviderCall;
import io.heimdall.core.Gateway;
import io.heimdall.testkit.TestRequestContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code GET /v1/models} of Bedrock: ListFoundationModels on the control plane (a second mock, apart from the runtime
 * one), SigV4-signed for service {@code bedrock} and the region, text and embedding models on demand kept, merged
 * with the configured models, cached, and the configured models alone when the control plane refuses.
 */
class BedrockModelListingTest {
    /** A ListFoundationModels answer as the AWS API reference documents it. */
    static final String LISTING = """
            {"modelSummaries": [
              {"modelArn": "arn:aws:bedrock:eu-west-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0",
               "modelId": "anthropic.claude-3-haiku-20240307-v1:0", "modelName": "Claude 3 Haiku",
               "providerName": "Anthropic", "inputModalities": ["TEXT", "IMAGE"], "outputModalities": ["TEXT"],
               "responseStreamingSupported": true, "customizationsSupported": [],
               "inferenceTypesSupported": ["ON_DEMAND"], "modelLifecycle": {"status": "ACTIVE"}},
              {"modelArn": "arn:aws:bedrock:eu-west-1::foundation-model/amazon.titan-embed-text-v2:0",
               "modelId": "amazon.titan-embed-text-v2:0", "modelName": "Titan Text Embeddings V2",
               "providerName": "Amazon", "inputModalities": ["TEXT"], "outputModalities": ["EMBEDDING"],
               "customizationsSupported": [], "inferenceTypesSupported": ["ON_DEMAND"],
               "modelLifecycle": {"status": "ACTIVE"}},
              {"modelArn": "arn:aws:bedrock:eu-west-1::foundation-model/stability.sd3-large-v1:0",
               "modelId": "stability.sd3-large-v1:0", "modelName": "SD3 Large", "providerName": "Stability AI",
               "inputModalities": ["TEXT", "IMAGE"], "outputModalities": ["IMAGE"],
               "inferenceTypesSupported": ["ON_DEMAND"], "modelLifecycle": {"status": "ACTIVE"}},
              {"modelArn": "arn:aws:bedrock:eu-west-1::foundation-model/anthropic.claude-sonnet-4-20250514-v1:0",
               "modelId": "anthropic.claude-sonnet-4-20250514-v1:0", "modelName": "Claude Sonnet 4",
               "providerName": "Anthropic", "inputModalities": ["TEXT", "IMAGE"], "outputModalities": ["TEXT"],
               "responseStreamingSupported": true, "inferenceTypesSupported": ["INFERENCE_PROFILE"],
               "modelLifecycle": {"status": "ACTIVE"}},
              {"modelArn": "arn:aws:bedrock:eu-west-1::foundation-model/meta.llama3-70b-instruct-v1:0",
               "modelId": "meta.llama3-70b-instruct-v1:0", "modelName": "Llama 3 70B Instruct",
               "providerName": "Meta", "inputModalities": ["TEXT"], "outputModalities": ["TEXT"],
               "responseStreamingSupported": true, "inferenceTypesSupported": ["ON_DEMAND", "PROVISIONED"],
               "modelLifecycle": {"status": "LEGACY"}}
            ]}""";
    private static final String CONFIGURED = "us.anthropic.claude-sonnet-4-20250514-v1:0";
    private static final ObjectMapper JSON = new ObjectMapper();

    private BedrockUpstream runtime;
    private BedrockUpstream control;

    @BeforeEach
    void start() {
        runtime = new BedrockUpstream(BedrockProviderTest.KEY_ID, BedrockProviderTest.SECRET, "eu-west-1");
        control = new BedrockUpstream(BedrockProviderTest.KEY_ID, BedrockProviderTest.SECRET, "eu-west-1");
    }

    @AfterEach
    void stop() {
        runtime.close();
        control.close();
    }

    private Provider provider() {
        return BedrockProviderTest.create(Map.of("region", "eu-west-1", "base-url", runtime.baseUrl(),
                "control-base-url", control.baseUrl() + "/", "models", List.of(CONFIGURED),
                "access-key-id", BedrockProviderTest.KEY_ID, "secret-access-key", BedrockProviderTest.SECRET));
    }

    private static ProviderCall call() {
        return new ProviderCall("bedrock", Optional.empty(), new TestRequestContext().timeout(Duration.ofSeconds(10)),
                1);
    }

    private static List<String> ids(List<ModelInfo> models) {
        return models.stream().map(ModelInfo::id).toList();
    }

    @Test
    void listsTheOnDemandTextAndEmbeddingModelsAfterTheConfiguredOnesSignedForTheControlPlane() {
        control.listing(200, LISTING);
        try (Provider provider = provider()) {
            ProviderCall call = call();
            List<ModelInfo> models = provider.listModels(call);
            assertEquals(List.of(CONFIGURED, "anthropic.claude-3-haiku-20240307-v1:0", "amazon.titan-embed-text-v2:0",
                    "meta.llama3-70b-instruct-v1:0"), ids(models));
            assertEquals(List.of(), control.signatureProblems());
            assertEquals(1, control.listings().size());
            String authorization = control.listings().getFirst().get("authorization").getFirst();
            assertTrue(authorization.matches("AWS4-HMAC-SHA256 Credential=" + BedrockProviderTest.KEY_ID
                    + "/\\d{8}/eu-west-1/bedrock/aws4_request, ?SignedHeaders=[a-z0-9;-]*host[a-z0-9;-]*, "
                    + "?Signature=[0-9a-f]{64}"), authorization);
            assertTrue(runtime.requests().isEmpty(), "the runtime host is not asked for the listing");

            assertEquals(ids(models), ids(provider.listModels(call)));
            assertEquals(1, control.listings().size(), "the listing is cached");
        }
    }

    @Test
    void aRefusedListingFallsBackToTheConfiguredModelsWithoutTheSecret() {
        control.listing(403, "");
        try (Provider provider = provider()) {
            ProviderCall call = call();
            assertEquals(List.of(CONFIGURED), ids(provider.listModels(call)));
            assertEquals(List.of(CONFIGURED), ids(provider.listModels(call)));
            assertEquals(1, control.listings().size(), "a failure is remembered too, not retried on every call");
        }
    }

    @Test
    void theGatewayListsThemUnderTheProviderName(@TempDir Path dir) throws Exception {
        control.listing(200, LISTING);
        Path config = dir.resolve("heimdall.yaml");
        Files.writeString(config, """
                server: { host: 127.0.0.1, port: 0 }
                providers:
                  aws:
                    type: bedrock
                    region: eu-west-1
                    base-url: "%s"
                    control-base-url: "%s"
                    models: [ "%s" ]
                    keys:
                      - { name: k1, access-key-id: "%s", secret-access-key: "%s" }
                """.formatted(runtime.baseUrl(), control.baseUrl(), CONFIGURED, BedrockProviderTest.KEY_ID,
                BedrockProviderTest.SECRET));
        try (Gateway gateway = Gateway.builder().config(config).port(0).watchConfig(false).start()) {
            HttpURLConnection connection = (HttpURLConnection) URI.create("http://127.0.0.1:" + gateway.port()
                    + "/v1/models").toURL().openConnection();
            assertEquals(200, connection.getResponseCode());
            String body;
            try (var in = connection.getInputStream()) {
                body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            List<String> listed = new ArrayList<>();
            for (JsonNode m : JSON.readTree(body).path("data")) {
                listed.add(m.path("id").asText());
            }
            assertEquals(List.of("aws/" + CONFIGURED, "aws/anthropic.claude-3-haiku-20240307-v1:0",
                    "aws/amazon.titan-embed-text-v2:0", "aws/meta.llama3-70b-instruct-v1:0"), listed);
            assertFalse(body.contains(BedrockProviderTest.SECRET));
            assertEquals(List.of(), control.signatureProblems());
        }
    }
}
