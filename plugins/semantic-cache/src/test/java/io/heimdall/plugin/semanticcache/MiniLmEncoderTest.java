package io.heimdall.plugin.semanticcache;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import dev.langchain4j.model.output.Response;
import io.heimdall.minilm.MiniLmEncoder;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link MiniLmEncoder} (our ONNX Runtime session, one tokenisation) gives the vectors and token counts langchain4j's
 * model gives, for the prompts of the paraphrase set and for a text longer than the model's window (which it hands
 * to langchain4j).
 */
class MiniLmEncoderTest {
    /** The dot product: the cosine for unit vectors (both sides' lengths are checked). */
    private static double dot(float[] a, float[] b) {
        return java.util.stream.IntStream.range(0, a.length).mapToDouble(i -> (double) a[i] * b[i]).sum();
    }

    @Test
    void sameVectorsAsLangchain4j() throws IOException {
        List<String> prompts = new ArrayList<>();
        try (InputStream in = MiniLmEncoderTest.class.getResourceAsStream("/pairs.tsv")) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank() && !line.startsWith("#") && prompts.size() < 120) {
                    String[] f = line.split("\t");
                    prompts.add(f[1]);
                    prompts.add(f[2]);
                }
            }
        }
        prompts.add("word ".repeat(700).strip()); // beyond 512 tokens: langchain4j's windows
        MiniLmEncoder encoder = Embedder.Local.model();
        AllMiniLmL6V2QuantizedEmbeddingModel reference = new AllMiniLmL6V2QuantizedEmbeddingModel(Runnable::run);
        for (String p : prompts) {
            MiniLmEncoder.Vector ours = encoder.embed(p);
            Response<dev.langchain4j.data.embedding.Embedding> theirs = reference.embed(TextSegment.from(p));
            assertEquals(384, ours.values().length);
            assertEquals(1.0, Math.sqrt(dot(theirs.content().vector(), theirs.content().vector())), 1e-5, p);
            assertTrue(dot(ours.values(), theirs.content().vector()) > 0.9999, p);
            assertEquals(theirs.tokenUsage().inputTokenCount(), ours.tokens(), p);
            assertEquals(1.0, Math.sqrt(dot(ours.values(), ours.values())), 1e-5, p);
        }
    }
}
