package io.heimdall.testkit.tck;

import io.heimdall.api.GatewayException;
import io.heimdall.api.model.GatewayError;
import io.heimdall.api.plugin.Secret;
import io.heimdall.api.provider.Provider;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertThrows;

/** Runs the contract against the JDK-client reference provider, which proves the contract can be passed. */
class JdkOpenAiProviderContractTest extends OpenAiWireProviderContract {
    @Override
    protected Provider createProvider(String baseUrl, Optional<Secret> key) {
        return new JdkOpenAiProvider(baseUrl);
    }

    @Test
    void secretCheckFailsWhenTheKeyLeaks() {
        GatewayException leaked = new GatewayException(GatewayError.internal("bad key " + key().reveal()));
        GatewayException leakedInCause = new GatewayException(GatewayError.internal("bad key"),
                new IllegalStateException("Authorization: Bearer " + key().reveal()));

        assertThrows(AssertionFailedError.class, () -> assertNoSecret(leaked));
        assertThrows(AssertionFailedError.class, () -> assertNoSecret(leakedInCause));
    }
}
