package io.heimdall.distribution;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.heimdall.provider.anthropic.AnthropicMocks;
import io.heimdall.provider.bedrock.BedrockMocks;
import io.heimdall.provider.cohere.CohereMocks;
import io.heimdall.provider.googlemock.GoogleMock;
import io.heimdall.testkit.MockOpenAiServer;
import io.heimdall.testkit.RecordedRequest;
import io.heimdall.testkit.tck.NativeUpstream;
import io.heimdall.testkit.tck.SeenRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Issue 7's native wires as the packaged {@code bin/heimdall} serves them, shared by {@link NativeWiresIT} (the
 * OpenAI Java SDK) and {@link NodeNativeWiresIT} (the OpenAI Node SDK): an OpenAI-shaped reference upstream
 * (provider {@code ref}), the providers' own mock upstreams speaking each native wire (Anthropic SSE, Bedrock binary
 * event-stream frames with a recomputed SigV4 signature, Gemini/Vertex SSE, Claude on Vertex, Cohere v2 SSE), an
 * Azure OpenAI mock, and the gateway in front of them.
 */
final class NativeWires implements AutoCloseable {
    static final String AWS_KEY_ID = "AKIDEXAMPLEE2E0000";
    static final String AWS_SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    static final String VERTEX_TOKEN = "ya29.e2e-fixed-token";
    /** The client's own key: it must never reach an upstream. */
    static final String CLIENT_KEY = "sk-client-e2e";
    /** The model of the OpenAI-shaped reference. */
    static final String REFERENCE = "ref/gpt-4o-mini";

    final MockOpenAiServer reference = MockOpenAiServer.start();
    final MockOpenAiServer azure = MockOpenAiServer.start();
    final NativeUpstream anthropic = AnthropicMocks.anthropic();
    final NativeUpstream bedrock = BedrockMocks.start(AWS_KEY_ID, AWS_SECRET, "us-east-1");
    final GoogleMock gemini = GoogleMock.start(GoogleMock.Dialect.GEMINI);
    final GoogleMock vertex = GoogleMock.start(GoogleMock.Dialect.VERTEX);
    final NativeUpstream vertexClaude = AnthropicMocks.claudeOnVertex();
    final NativeUpstream cohere = CohereMocks.start();
    private DistributionSmokeIT.Gateway gateway;

    /**
     * One native target: the model the client asks for, the mock behind it (empty: Azure, an OpenAI wire answered by
     * its own {@link MockOpenAiServer}), and whether the tool-call id is the upstream's (Gemini ids are invented,
     * the Azure mock makes its own).
     */
    record Target(String model, Optional<NativeUpstream> upstream, boolean sameToolCallId) {
        @Override
        public String toString() {
            return model;
        }
    }

    private NativeWires() {
    }

    /** Starts the mocks and {@code bin/heimdall} of the built distribution, its config written under {@code tmp}. */
    static NativeWires start(Path tmp) throws Exception {
        Path dist = Path.of(System.getProperty("heimdall.dist", "target/heimdall")).toAbsolutePath();
        assertTrue(Files.isExecutable(dist.resolve("bin/heimdall")), "no " + dist.resolve("bin/heimdall"));
        NativeWires w = new NativeWires();
        try {
            String azureBase = w.azure.baseUrl().substring(0, w.azure.baseUrl().length() - "/v1".length());
            Path config = Files.writeString(tmp.resolve("native.yaml"), """
                    server: { host: 127.0.0.1, port: 0 }
                    routing:
                      retries: { max: 0 }
                    providers:
                      ref: { type: openai-compatible, base-url: "%s", keys: [ { value: sk-ref-e2e } ] }
                      anthropic: { type: anthropic, base-url: "%s", keys: [ { value: sk-ant-e2e } ] }
                      bedrock:
                        type: bedrock
                        region: us-east-1
                        base-url: "%s"
                        control-base-url: "%s"
                        keys: [ { name: k1, access-key-id: "%s", secret-access-key: "%s" } ]
                      gemini: { type: gemini, base-url: "%s", keys: [ { value: gm-e2e-key } ] }
                      vertex:
                        { type: vertex, project: e2e-project, location: us-east5, base-url: "%s", access-token: "%s" }
                      vertex-claude:
                        type: vertex
                        project: e2e-project
                        location: us-east5
                        base-url: "%s"
                        access-token: "%s"
                        models: [ "claude-sonnet-4-5@20250929" ]
                      cohere: { type: cohere, base-url: "%s", keys: [ { value: co-e2e-key } ] }
                      azure:
                        { type: azure-openai, base-url: "%s", api-version: "2024-10-21", keys: [ { value: az-e2e } ] }
                    models:
                      claude-with-fallback:
                        targets: [ anthropic/claude-sonnet-4-5 ]
                        fallbacks: [ "bedrock/anthropic.claude-3-haiku-20240307-v1:0" ]
                    """.formatted(w.reference.baseUrl(), w.anthropic.baseUrl(), w.bedrock.baseUrl(),
                    w.bedrock.baseUrl(), AWS_KEY_ID, AWS_SECRET, w.gemini.baseUrl(), w.vertex.baseUrl(), VERTEX_TOKEN,
                    w.vertexClaude.baseUrl(), VERTEX_TOKEN, w.cohere.baseUrl(), azureBase));
            w.gateway = DistributionSmokeIT.Gateway.start(dist, tmp, "--config", config.toString(), "--port", "0");
            for (String plugin : List.of("anthropic", "bedrock", "gemini", "vertex", "cohere", "openai")) {
                assertFalse(w.gateway.output().contains("Plugin '" + plugin + "' was not loaded"),
                        w.gateway.output());
            }
            return w;
        } catch (Exception | Error e) {
            w.close();
            throw e;
        }
    }

    /** The gateway's base URL, without {@code /v1}. */
    String baseUrl() {
        return gateway.baseUrl();
    }

    /** What the gateway printed so far (its log). */
    String output() {
        return gateway.output();
    }

    /** Every native target, Azure last. */
    List<Target> targets() {
        return List.of(
                new Target("anthropic/claude-sonnet-4-5", Optional.of(anthropic), true),
                new Target("bedrock/anthropic.claude-3-haiku-20240307-v1:0", Optional.of(bedrock), true),
                new Target("gemini/gemini-2.5-flash", Optional.of(gemini), false),
                new Target("vertex/gemini-2.5-flash", Optional.of(vertex), false),
                new Target("vertex-claude/claude-sonnet-4-5@20250929", Optional.of(vertexClaude), true),
                new Target("cohere/command-a-03-2025", Optional.of(cohere), true),
                new Target("azure/gpt-4o-mini", Optional.empty(), false));
    }

    /** Forgets what every upstream saw and was scripted with. */
    void reset() {
        reference.reset();
        azure.reset();
        Stream.of(anthropic, bedrock, gemini, vertex, vertexClaude, cohere).forEach(NativeUpstream::reset);
    }

    /**
     * What the native upstream received as request {@code index} of {@code count}: the model, the user text, stream
     * or not, its own auth and not the client's key.
     */
    void assertNativeRequest(Target target, int count, int index, boolean stream, String text) {
        if (target.upstream().isEmpty()) {
            RecordedRequest sent = azure.requests().get(azure.requests().size() - count + index);
            assertEquals("/openai/deployments/gpt-4o-mini/chat/completions?api-version=2024-10-21", sent.path());
            assertEquals(Optional.of("az-e2e"), sent.header("api-key"));
            return;
        }
        NativeUpstream upstream = target.upstream().get();
        assertEquals(count, upstream.requests().size(), target.model());
        SeenRequest seen = upstream.requests().get(index);
        String model = target.model().substring(target.model().indexOf('/') + 1);
        assertAll(target.model(),
                () -> assertEquals(model, seen.model()),
                () -> assertEquals(stream, seen.stream()),
                () -> assertEquals(text, seen.messages().getFirst().text()),
                () -> assertFalse(seen.headers().toString().contains(CLIENT_KEY), "the client key stays"));
        if (upstream == bedrock) {
            assertEquals(List.of(), BedrockMocks.signatureProblems(bedrock));
        }
        if (upstream == vertex || upstream == vertexClaude) {
            assertEquals(Optional.of("Bearer " + VERTEX_TOKEN), seen.header("authorization"));
        }
    }

    @Override
    public void close() throws Exception {
        if (gateway != null) {
            gateway.process().destroy();
            if (!gateway.process().waitFor(10, TimeUnit.SECONDS)) {
                gateway.process().destroyForcibly();
            }
        }
        for (AutoCloseable c : new AutoCloseable[] {reference, azure, anthropic, bedrock, gemini, vertex,
                vertexClaude, cohere}) {
            c.close();
        }
    }
}
