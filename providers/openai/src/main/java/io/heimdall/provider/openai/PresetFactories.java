package io.heimdall.provider.openai;

/**
 * The preset provider types, one nested factory each, all built from the {@link Presets} table. Each is listed under
 * {@code provides} in {@code module-info.java}.
 */
public final class PresetFactories {
    /** Every preset factory class, in table order. */
    static final java.util.List<Class<? extends PresetProviderFactory>> ALL = java.util.List.of(
            Groq.class,
            Together.class,
            Fireworks.class,
            Deepseek.class,
            Xai.class,
            Openrouter.class,
            Cerebras.class,
            Perplexity.class,
            NvidiaNim.class,
            Ollama.class,
            Vllm.class,
            LmStudio.class,
            Sglang.class,
            Huggingface.class);

    private PresetFactories() {
    }

    /** Provider type {@code groq}. */
    public static final class Groq extends PresetProviderFactory {
        /** Creates the factory; called by {@link java.util.ServiceLoader}. */
        public Groq() {
            super("groq");
        }
    }

    /** Provider type {@code together}. */
    public static final class Together extends PresetProviderFactory {
        /** Creates the factory; called by {@link java.util.ServiceLoader}. */
        public Together() {
            super("together");
        }
    }

    /** Provider type {@code fireworks}. */
    public static final class Fireworks extends PresetProviderFactory {
        /** Creates the factory; called by {@link java.util.ServiceLoader}. */
        public Fireworks() {
            super("fireworks");
        }
    }

    /** Provider type {@code deepseek}. */
    public static final class Deepseek extends PresetProviderFactory {
        /** Creates the factory; called by {@link java.util.ServiceLoader}. */
        public Deepseek() {
            super("deepseek");
        }
    }

    /** Provider type {@code xai}. */
    public static final class Xai extends PresetProviderFactory {
        /** Creates the factory; called by {@link java.util.ServiceLoader}. */
        public Xai() {
            super("xai");
        }
    }

    /** Provider type {@code openrouter}. */
    public static final class Openrouter extends PresetProviderFactory {
        /** Creates the factory; called by {@link java.util.ServiceLoader}. */
        public Openrouter() {
            super("openrouter");
        }
    }

    /** Provider type {@code cerebras}. */
    public static final class Cerebras extends PresetProviderFactory {
        /** Creates the factory; called by {@link java.util.ServiceLoader}. */
        public Cerebras() {
            super("cerebras");
        }
    }

    /** Provider type {@code perplexity}. */
    public static final class Perplexity extends PresetProviderFactory {
        /** Creates the factory; called by {@link java.util.ServiceLoader}. */
        public Perplexity() {
            super("perplexity");
        }
    }

    /** Provider type {@code nvidia-nim}. */
    public static final class NvidiaNim extends PresetProviderFactory {
        /** Creates the factory; called by {@link java.util.ServiceLoader}. */
        public NvidiaNim() {
            super("nvidia-nim");
        }
    }

    /** Provider type {@code ollama}. */
    public static final class Ollama extends PresetProviderFactory {
        /** Creates the factory; called by {@link java.util.ServiceLoader}. */
        public Ollama() {
            super("ollama");
        }
    }

    /** Provider type {@code vllm}. */
    public static final class Vllm extends PresetProviderFactory {
        /** Creates the factory; called by {@link java.util.ServiceLoader}. */
        public Vllm() {
            super("vllm");
        }
    }

    /** Provider type {@code lm-studio}. */
    public static final class LmStudio extends PresetProviderFactory {
        /** Creates the factory; called by {@link java.util.ServiceLoader}. */
        public LmStudio() {
            super("lm-studio");
        }
    }

    /** Provider type {@code sglang}. */
    public static final class Sglang extends PresetProviderFactory {
        /** Creates the factory; called by {@link java.util.ServiceLoader}. */
        public Sglang() {
            super("sglang");
        }
    }

    /** Provider type {@code huggingface}. */
    public static final class Huggingface extends PresetProviderFactory {
        /** Creates the factory; called by {@link java.util.ServiceLoader}. */
        public Huggingface() {
            super("huggingface");
        }
    }
}
