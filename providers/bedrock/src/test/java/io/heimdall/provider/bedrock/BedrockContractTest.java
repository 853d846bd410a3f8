package io.heimdall.provider.bedrock;

import io.heimdall.api.plugin.Secret;
import io.heimdall.api.provider.ApiKey;
import io.heimdall.api.provider.Provider;
import io.heimdall.core.StandaloneContext;
import io.heimdall.testkit.tck.NativeProviderContract;
import io.heimdall.testkit.tck.NativeUpstream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Type {@code bedrock} against the shared native-provider contract, with {@link BedrockUpstream} speaking Converse and
 * ConverseStream and verifying every SigV4 signature with the test's own reference signer.
 */
class BedrockContractTest extends NativeProviderContract {
    private static final String KEY_ID = "AKIDCONTRACT0000";
    private BedrockUpstream bedrock;

    @Override
    protected NativeUpstream startUpstream() {
        bedrock = new BedrockUpstream(KEY_ID, CANARY, "us-east-1");
        return bedrock;
    }

    @Override
    protected Optional<ApiKey> key() {
        return Optional.of(new ApiKey("main", Optional.empty(), Map.of(AwsAuth.ACCESS_KEY_ID, Secret.of(KEY_ID),
                AwsAuth.SECRET_ACCESS_KEY, Secret.of(CANARY), AwsAuth.SESSION_TOKEN, Secret.of("session-" + CANARY))));
    }

    @Override
    protected String model() {
        return "anthropic.claude-test-v1:0";
    }

    @Override
    protected String providerName() {
        return "bedrock";
    }

    @Override
    protected Provider createProvider(String baseUrl, Optional<ApiKey> key) {
        BedrockProviderFactory factory = new BedrockProviderFactory();
        return factory.create(StandaloneContext.config("providers." + providerName(), Map.of("base-url", baseUrl,
                "region", "us-east-1"), factory.configSpec()), StandaloneContext.create(providerName()));
    }

    /** Every request of the contract carried a valid signature (checked after each test by the mock). */
    @Test
    void everyRequestWasSigned() {
        provider().chat(userChat("hello"), call());
        assertEquals(java.util.List.of(), bedrock.signatureProblems());
        assertTrue(bedrock.verifiedSignatures() > 0);
        assertTrue(onlyRequest().header("x-amz-security-token").isPresent());
    }

    @AfterAll
    void noSignatureWasRefused() {
        assertEquals(java.util.List.of(), bedrock.signatureProblems());
    }
}
