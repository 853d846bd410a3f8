package io.heimdall.plugin.opentelemetry;

import io.opentelemetry.common.ComponentLoader;
import io.opentelemetry.exporter.sender.jdk.internal.JdkHttpSenderProvider;
import io.opentelemetry.sdk.common.export.HttpSender;
import io.opentelemetry.sdk.common.export.HttpSenderConfig;
import io.opentelemetry.sdk.common.export.HttpSenderProvider;

import java.util.List;

/**
 * Chooses the OTLP exporter's HTTP sender: {@link Http11Sender} for a plain {@code http://} collector without a
 * proxy, the SDK's JDK HTTP client sender otherwise (TLS, proxies).
 */
final class OtlpSenders implements HttpSenderProvider {
    private OtlpSenders() {
    }

    @Override
    public HttpSender createSender(HttpSenderConfig config) {
        if ("http".equalsIgnoreCase(config.getEndpoint().getScheme()) && config.getProxyOptions() == null) {
            return new Http11Sender(config);
        }
        return new JdkHttpSenderProvider().createSender(config);
    }

    /** A component loader that offers the exporter this provider alone, and loads anything else from {@code loader}. */
    static ComponentLoader loader(ClassLoader loader) {
        ComponentLoader others = ComponentLoader.forClassLoader(loader);
        return new ComponentLoader() {
            @Override
            public <T> Iterable<T> load(Class<T> type) {
                return type == HttpSenderProvider.class ? List.of(type.cast(new OtlpSenders())) : others.load(type);
            }
        };
    }
}
