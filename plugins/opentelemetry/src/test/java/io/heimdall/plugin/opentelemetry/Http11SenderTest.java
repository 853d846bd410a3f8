package io.heimdall.plugin.opentelemetry;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.context.Context;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.MemoryMode;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link Http11Sender} through the SDK's OTLP exporter, against collectors on real sockets. */
class Http11SenderTest {

    /** Spans made by the SDK, kept as {@link SpanData} when they end. */
    static List<SpanData> spans(int n, String name) {
        List<SpanData> out = new ArrayList<>();
        SpanProcessor keep = new SpanProcessor() {
            @Override
            public void onStart(Context parentContext, ReadWriteSpan span) {
            }

            @Override
            public boolean isStartRequired() {
                return false;
            }

            @Override
            public void onEnd(ReadableSpan span) {
                out.add(span.toSpanData());
            }

            @Override
            public boolean isEndRequired() {
                return true;
            }
        };
        try (SdkTracerProvider provider = SdkTracerProvider.builder().addSpanProcessor(keep).build()) {
            for (int i = 0; i < n; i++) {
                provider.get("test").spanBuilder(name + " " + i).setAttribute(AttributeKey.longKey("i"), i)
                        .startSpan().end();
            }
        }
        return out;
    }

    static OtlpHttpSpanExporter exporter(String endpoint, Duration timeout) {
        return OtlpHttpSpanExporter.builder().setEndpoint(endpoint + "/v1/traces").setTimeout(timeout)
                .addHeader("x-tenant", "t1")
                .setComponentLoader(OtlpSenders.loader(Http11SenderTest.class.getClassLoader()))
                .setMemoryMode(MemoryMode.REUSABLE_DATA).build();
    }

    static boolean export(OtlpHttpSpanExporter exporter, List<SpanData> spans) {
        CompletableResultCode result = exporter.export(spans).join(20, TimeUnit.SECONDS);
        return result.isDone() && result.isSuccess();
    }

    @Test
    void exportsDecodableSpansToARealReceiver() throws Exception {
        try (OtlpReceiver receiver = new OtlpReceiver()) {
            OtlpHttpSpanExporter exporter = exporter(receiver.endpoint(), Duration.ofSeconds(5));
            assertTrue(export(exporter, spans(3, "first")));
            assertTrue(export(exporter, spans(700, "second")));
            exporter.shutdown().join(5, TimeUnit.SECONDS);
            assertEquals(703, receiver.spans().size());
            assertTrue(receiver.errors().isEmpty(), receiver.errors()::toString);
        }
    }
}
