/**
 * Providers that speak the OpenAI Chat Completions, Embeddings and Models API: type {@code openai} for OpenAI itself,
 * {@code openai-compatible} for any server with the same wire format, {@code azure-openai} (deployment URLs, api-key or
 * Entra ID), {@code mistral}, and the presets {@code groq}, {@code together}, {@code fireworks}, {@code deepseek},
 * {@code xai}, {@code openrouter}, {@code cerebras}, {@code perplexity}, {@code nvidia-nim}, {@code ollama},
 * {@code vllm}, {@code lm-studio}, {@code sglang} and {@code huggingface} — all one wire implementation adapted by a
 * flavor. Exports nothing: the core finds the factories through {@code provides} and uses the HTTP client and JSON
 * codec it lends through the plugin context.
 */
module io.heimdall.provider.openai {
    requires io.heimdall.api;

    provides io.heimdall.api.provider.ProviderFactory with
            io.heimdall.provider.openai.OpenAiProviderFactory,
            io.heimdall.provider.openai.OpenAiCompatibleProviderFactory,
            io.heimdall.provider.openai.AzureOpenAiProviderFactory,
            io.heimdall.provider.openai.MistralProviderFactory,
            io.heimdall.provider.openai.PresetFactories.Groq,
            io.heimdall.provider.openai.PresetFactories.Together,
            io.heimdall.provider.openai.PresetFactories.Fireworks,
            io.heimdall.provider.openai.PresetFactories.Deepseek,
            io.heimdall.provider.openai.PresetFactories.Xai,
            io.heimdall.provider.openai.PresetFactories.Openrouter,
            io.heimdall.provider.openai.PresetFactories.Cerebras,
            io.heimdall.provider.openai.PresetFactories.Perplexity,
            io.heimdall.provider.openai.PresetFactories.NvidiaNim,
            io.heimdall.provider.openai.PresetFactories.Ollama,
            io.heimdall.provider.openai.PresetFactories.Vllm,
            io.heimdall.provider.openai.PresetFactories.LmStudio,
            io.heimdall.provider.openai.PresetFactories.Sglang,
            io.heimdall.provider.openai.PresetFactories.Huggingface;
}
