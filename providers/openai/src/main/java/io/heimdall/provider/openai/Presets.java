package io.heimdall.provider.openai;

import io.heimdall.api.provider.Capability;

import java.util.List;
import java.util.Set;

/**
 * The quirks table of the OpenAI-compatible presets. Each row was read from the service's own compatibility notes
 * (see {@link Preset#source()}); a field is dropped only where the service documents a 400 (or a pydantic
 * {@code extra_forbidden} 422) for it, never merely because it is ignored. {@code docs/providers.md} repeats this
 * table; keep both in step.
 */
final class Presets {
    private static final Set<Capability> NONE = Set.of();
    private static final Set<Capability> NO_EMBEDDINGS = Set.of(Capability.EMBEDDINGS);

    /** Every preset, in the order of the docs table. */
    static final List<Preset> ALL = List.of(
            new Preset("groq", "Groq (OpenAI-compatible)", "https://api.groq.com/openai/v1", true,
                    Set.of("logprobs", "top_logprobs", "logit_bias", "messages.name"), false, true, NO_EMBEDDINGS,
                    "console.groq.com/docs/openai: logprobs, logit_bias, top_logprobs, messages[].name are a 400; "
                            + "n must be 1"),
            new Preset("together", "Together AI (OpenAI-compatible)", "https://api.together.xyz/v1", true,
                    Set.of(), true, false, NONE, "docs.together.ai: OpenAI compatibility (max_tokens)"),
            new Preset("fireworks", "Fireworks AI (OpenAI-compatible)", "https://api.fireworks.ai/inference/v1",
                    true, Set.of(), true, false, NONE,
                    "docs.fireworks.ai/tools-sdks/openai-compatibility (max_tokens)"),
            new Preset("deepseek", "DeepSeek (OpenAI-compatible)", "https://api.deepseek.com/v1", true,
                    Set.of(), true, true, NO_EMBEDDINGS,
                    "api-docs.deepseek.com: max_tokens only, no n, no embeddings"),
            new Preset("xai", "xAI Grok (OpenAI-compatible)", "https://api.x.ai/v1", true,
                    Set.of(), false, false, NO_EMBEDDINGS, "docs.x.ai: OpenAI-compatible chat, no embeddings"),
            new Preset("openrouter", "OpenRouter (OpenAI-compatible router)", "https://openrouter.ai/api/v1", true,
                    Set.of(), false, false, NONE, "openrouter.ai/docs: OpenAI-compatible, normalises parameters"),
            new Preset("cerebras", "Cerebras Inference (OpenAI-compatible)", "https://api.cerebras.ai/v1", true,
                    Set.of("frequency_penalty", "presence_penalty", "logit_bias", "parallel_tool_calls",
                            "service_tier"), false, false, NO_EMBEDDINGS,
                    "inference-docs.cerebras.ai/resources/openai: these fields are a 400"),
            new Preset("perplexity", "Perplexity Sonar (OpenAI-compatible)", "https://api.perplexity.ai", true,
                    Set.of("stream_options", "logit_bias", "logprobs", "top_logprobs", "seed",
                            "parallel_tool_calls", "service_tier"), true, true,
                    Set.of(Capability.EMBEDDINGS, Capability.TOOLS, Capability.MODEL_LISTING),
                    "docs.perplexity.ai/guides/chat-completions-guide: no tools, no model list, no version path"),
            new Preset("nvidia-nim", "NVIDIA NIM (OpenAI-compatible)", "https://integrate.api.nvidia.com/v1", true,
                    Set.of(), true, false, NONE,
                    "docs.api.nvidia.com: OpenAI-compatible; a self-hosted NIM takes base-url and no key"),
            new Preset("ollama", "Ollama, local (OpenAI-compatible)", "http://localhost:11434/v1", false,
                    Set.of(), true, false, NONE, "docs.ollama.com/openai: max_tokens, no key"),
            new Preset("vllm", "vLLM server, local (OpenAI-compatible)", "http://localhost:8000/v1", false,
                    Set.of(), false, false, NONE, "docs.vllm.ai: OpenAI-compatible server, key optional"),
            new Preset("lm-studio", "LM Studio, local (OpenAI-compatible)", "http://localhost:1234/v1", false,
                    Set.of(), true, false, NONE, "lmstudio.ai/docs: OpenAI-compatible endpoints, no key"),
            new Preset("sglang", "SGLang server, local (OpenAI-compatible)", "http://localhost:30000/v1", false,
                    Set.of(), true, false, NONE, "docs.sglang.ai: OpenAI-compatible APIs, key optional"),
            new Preset("huggingface", "Hugging Face Inference Providers router (OpenAI-compatible)",
                    "https://router.huggingface.co/v1", true, Set.of(), false, false, NO_EMBEDDINGS,
                    "huggingface.co/docs/inference-providers: chat completions on the router"));

    private Presets() {
    }
}
