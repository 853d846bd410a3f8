package io.heimdall.provider.bedrock;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The signer against AWS's published Signature Version 4 test suite (get-vanilla and
 * get-vanilla-query-order-key-case: credentials AKIDEXAMPLE / wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY, region
 * us-east-1, service "service", 2015-08-30T12:36:00Z), and the test's own reference implementation against the same
 * vectors, so the mock upstream's verification is trustworthy too.
 */
class SigV4VectorTest {
    private static final String SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2015-08-30T12:36:00Z"), ZoneOffset.UTC);
    private static final String VANILLA = "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31";
    private static final String QUERY_ORDER = "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500";
    private static final String EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    @Test
    void sdkSignerAgreesWithTheVectorCheckedReferenceOnGetVanilla() {
        // The SDK's signer always adds and signs x-amz-content-sha256 (the published get-vanilla request has no such
        // header), so its signature is compared with the reference implementation over the same headers; the
        // reference itself reproduces the published signatures exactly (below).
        Map<String, String> headers = AwsAuth.sign(AwsCredentialsIdentity.create("AKIDEXAMPLE", SECRET), "us-east-1",
                "service", "GET", URI.create("https://example.amazonaws.com/"), new byte[0], CLOCK);
        assertEquals("20150830T123600Z", headers.get("X-Amz-Date"));
        assertEquals(EMPTY_SHA256, headers.get("x-amz-content-sha256"));
        String expected = SigV4Reference.signature("GET", "/", "", Map.of("host", "example.amazonaws.com",
                        "x-amz-content-sha256", EMPTY_SHA256, "x-amz-date", "20150830T123600Z"), EMPTY_SHA256,
                "20150830T123600Z", "us-east-1", "service", SECRET);
        assertEquals("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
                + "SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=" + expected,
                headers.get("Authorization"));
    }

    @Test
    void sdkSignerAgreesWithTheReferenceOnAnEncodedArnPathWithSessionToken() {
        // A Bedrock path: the model ARN is percent-encoded once in the URL, and once more in the canonical URI.
        byte[] body = "{\"messages\":[]}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        String path = "/model/" + ModelIds.encode("p", "arn:aws:bedrock:us-east-1:123456789012:inference-profile/"
                + "us.anthropic.claude-3-5-sonnet-20240620-v1:0") + "/converse";
        Map<String, String> headers = AwsAuth.sign(software.amazon.awssdk.identity.spi.AwsSessionCredentialsIdentity
                        .create("AKIDEXAMPLE", SECRET, "token-value"), "us-west-2", "bedrock", "POST",
                URI.create("http://127.0.0.1:8080" + path), body, CLOCK);
        String hash = SigV4Reference.sha256Hex(body);
        String expected = SigV4Reference.signature("POST", path, "", Map.of("host", "127.0.0.1:8080",
                        "x-amz-content-sha256", hash, "x-amz-date", "20150830T123600Z", "x-amz-security-token",
                        "token-value"), hash, "20150830T123600Z", "us-west-2", "bedrock", SECRET);
        assertEquals("token-value", headers.get("X-Amz-Security-Token"));
        assertEquals("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-west-2/bedrock/aws4_request, "
                + "SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token, Signature=" + expected,
                headers.get("Authorization"));
    }

    @Test
    void referenceImplementationMatchesTheVectors() {
        Map<String, String> signed = Map.of("host", "example.amazonaws.com", "x-amz-date", "20150830T123600Z");
        assertEquals(VANILLA, SigV4Reference.signature("GET", "/", "", signed, EMPTY_SHA256, "20150830T123600Z",
                "us-east-1", "service", SECRET));
        assertEquals(QUERY_ORDER, SigV4Reference.signature("GET", "/", "Param1=value1&Param2=value2", signed,
                EMPTY_SHA256, "20150830T123600Z", "us-east-1", "service", SECRET));
    }
}
