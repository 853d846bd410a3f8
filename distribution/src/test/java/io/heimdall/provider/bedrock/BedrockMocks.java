package io.heimdall.provider.bedrock;

import io.heimdall.testkit.tck.NativeUpstream;

import java.util.List;

/**
 * The bedrock provider's test mock (its sources linked into the distribution's tests): Converse and ConverseStream
 * with binary event-stream frames (CRCs), each request's SigV4 signature recomputed and checked.
 */
public final class BedrockMocks {
    private BedrockMocks() {
    }

    /** Starts a mock whose requests must be signed for {@code region} with these credentials. */
    public static NativeUpstream start(String accessKeyId, String secret, String region) {
        return new BedrockUpstream(accessKeyId, secret, region);
    }

    /** Why signatures were refused since the last reset (empty: every request was signed right). */
    public static List<String> signatureProblems(NativeUpstream bedrock) {
        return ((BedrockUpstream) bedrock).signatureProblems();
    }

    /** Sets the body {@code GET /foundation-models} (ListFoundationModels) answers with status 200. */
    public static void listing(NativeUpstream bedrock, String body) {
        ((BedrockUpstream) bedrock).listing(200, body);
    }

    /** How many signed ListFoundationModels calls the mock answered. */
    public static int listings(NativeUpstream bedrock) {
        return ((BedrockUpstream) bedrock).listings().size();
    }

    /** How many requests carried a verified SigV4 signature. */
    public static int verifiedSignatures(NativeUpstream bedrock) {
        return ((BedrockUpstream) bedrock).verifiedSignatures();
    }
}
