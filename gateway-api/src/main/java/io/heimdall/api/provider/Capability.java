package io.heimdall.api.provider;

/** Something a provider may or may not be able to do. Optional features are declared, never found by instanceof. */
public enum Capability {
    /** Non-streamed chat completions. */
    CHAT,
    /** Streamed chat completions. */
    STREAMING,
    /** Tool (function) calling. */
    TOOLS,
    /** Image inputs. */
    VISION,
    /** {@code response_format} json_object / json_schema. */
    JSON_MODE,
    /** Embeddings. */
    EMBEDDINGS,
    /** Listing models from the upstream. */
    MODEL_LISTING,
    /** Reasoning controls: {@code reasoning_effort}, or a provider's thinking budget. */
    REASONING
}
