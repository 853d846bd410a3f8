package io.heimdall.core;

import io.heimdall.api.model.ChatMessage;
import io.heimdall.api.model.ChatRequest;
import io.heimdall.api.model.ModelInfo;

import java.nio.file.Path;

/**
 * An application that embeds the gateway without modules: {@link EmbeddedGatewayTest} runs it in a JVM of its own
 * with everything on the class path. Prints one line per check.
 */
public final class ClassPathEmbedding {
    private ClassPathEmbedding() {
    }

    /** {@code args[0]}: the config file. */
    public static void main(String[] args) {
        try (Gateway gw = Gateway.builder().config(Path.of(args[0])).http(false).watchConfig(false)
                .factory(new ScriptedProviderFactory()).start()) {
            System.out.println("module " + Gateway.class.getModule().isNamed());
            System.out.println("plugins " + gw.loadedFactories().get("plugin"));
            for (String text : new String[]{"hello", "tag?"}) {
                System.out.println("chat " + gw.chat(ChatRequest.builder().model("m")
                        .addMessage(ChatMessage.user(text)).build()).choices().getFirst().message().text());
            }
            System.out.println("models " + gw.models().stream().map(ModelInfo::id).toList());
        }
    }
}
