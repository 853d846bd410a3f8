package io.heimdall.plugin.semanticcache;

import io.heimdall.api.plugin.ConfigSpec;
import io.heimdall.api.plugin.ConfigType;
import io.heimdall.api.plugin.PluginConfig;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The plugin's config.
 *
 * @param directory      where the index lives (one sub-folder per embedding model)
 * @param embedder       the embedding model as a client names it ({@code emb/all-minilm-l6-v2}); empty: the bundled
 *                       model, run in this plugin's own layer
 * @param threshold      the cosine similarity a semantic hit needs at least
 * @param ttl            how long an entry lives by default
 * @param maxEntries     the most entries kept; the oldest are evicted beyond it
 * @param namespace      the namespace of requests that do not name one
 * @param matchModel     whether a hit must be for the same model
 * @param semantic       whether the semantic tier is on
 * @param maxMessages    conversations with more messages than this skip the semantic tier
 * @param maxTemperature requests with a higher temperature are not cached
 * @param candidates     how many nearest neighbours a semantic lookup asks the index for
 * @param guard          whether the near-miss guard (numbers, entities, negations) is on
 * @param purgeInterval  how often expired entries are purged and the size cap enforced
 * @param commitInterval how often new entries are committed to disk
 * @param mergeWhenIdle  after how long without new entries the index is merged into one segment in the background
 *                       (when at least 5 % of it lies outside its largest segment); zero: never
 * @param adminTag       a caller tag the admin routes require; empty: any authenticated caller
 */
record Settings(Path directory, Optional<String> embedder, double threshold, Duration ttl, long maxEntries,
                String namespace, boolean matchModel, boolean semantic, int maxMessages, double maxTemperature,
                int candidates, boolean guard, Duration purgeInterval, Duration commitInterval,
                Optional<String> adminTag, Duration mergeWhenIdle) {
    /** The tuned default similarity threshold (see docs/semantic-cache.md). */
    static final double DEFAULT_THRESHOLD = 0.80;

    /** The config keys. */
    static ConfigSpec spec() {
        return ConfigSpec.builder()
                .optional("directory", "data/semantic-cache", "Where the index and stored answers live")
                .optional("embedder", ConfigType.STRING, "Embedding model as a client names it, e.g. "
                        + "emb/all-minilm-l6-v2; absent: the bundled all-MiniLM-L6-v2 run inside this plugin")
                .optional("threshold", DEFAULT_THRESHOLD, "Cosine similarity a semantic hit needs at least").range(0, 1)
                .optional("ttl", Duration.ofHours(1), "Default time to live of an entry")
                .optional("max-entries", 100_000L, "Most entries kept; the oldest are evicted beyond it").min(1)
                .optional("namespace", "default", "Namespace of requests without an x-heimdall-cache-namespace header")
                .optional("match-model", true, "Whether a hit must be for the same model")
                .optional("semantic", true, "Whether the semantic tier is on (else exact matches only)")
                .optional("max-messages", 4L, "Conversations with more messages skip the semantic tier").min(1)
                .optional("max-temperature", 1.0, "Requests with a higher temperature are not cached").min(0)
                .optional("candidates", 80L, "Nearest neighbours a semantic lookup asks for (more: better recall in a large index)").range(1, 200)
                .optional("guard", true, "Near-miss guard: numbers, named entities and negations must agree")
                .optional("purge-interval", Duration.ofSeconds(30), "How often expired entries are purged")
                .optional("commit-interval", Duration.ofSeconds(1), "How often new entries are committed to disk")
                .optional("admin-tag", ConfigType.STRING, "Caller tag the admin routes require; absent: any caller")
                .optional("merge-when-idle", Duration.ofSeconds(30), "After this long without new entries, merge the index "
                        + "into one segment in the background (faster k-NN; see docs/semantic-cache.md); 0s: never")
                .build();
    }

    /** Reads a validated config. */
    static Settings of(PluginConfig c) {
        return new Settings(Path.of(c.string("directory").orElseThrow()), c.string("embedder").filter(s -> !s.isBlank()),
                c.number("threshold").orElseThrow(), c.duration("ttl").orElseThrow(),
                c.integer("max-entries").orElseThrow(), c.string("namespace").orElseThrow(),
                c.bool("match-model").orElseThrow(), c.bool("semantic").orElseThrow(),
                Math.toIntExact(c.integer("max-messages").orElseThrow()), c.number("max-temperature").orElseThrow(),
                Math.toIntExact(c.integer("candidates").orElseThrow()), c.bool("guard").orElseThrow(),
                c.duration("purge-interval").orElseThrow(), c.duration("commit-interval").orElseThrow(),
                c.string("admin-tag").filter(s -> !s.isBlank()), c.duration("merge-when-idle").orElseThrow());
    }
}
