package io.heimdall.plugin.opentelemetry;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import io.opentelemetry.exporter.internal.otlp.traces.TraceRequestMarshaler;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@link OtlpTraceEncoder} writes the OTLP request the SDK's marshaler writes, byte for byte. */
class OtlpTraceEncoderTest {

    private static List<SpanData> spans() {
        KeepSpans keep = new KeepSpans();
        Resource resource = Resource.getDefault().toBuilder().put("service.name", "heimdall")
                .put("deployment.environment", "tëst").build();
        try (SdkTracerProvider provider = SdkTracerProvider.builder().setResource(resource)
                .addSpanProcessor(keep).build()) {
            var tracer = provider.get("io.heimdall.plugin.opentelemetry");
            var other = provider.tracerBuilder("other-scope").setInstrumentationVersion("1.2.3").build();
            SpanContext remote = SpanContext.createFromRemoteParent("4bf92f3577b34da6a3ce929d0e0e4736",
                    "00f067aa0ba902b7", TraceFlags.getSampled(), TraceState.builder().put("vendor", "abc")
                            .put("x", "y").build());
            Span request = tracer.spanBuilder("chat smart").setParent(Context.root().with(Span.wrap(remote)))
                    .setSpanKind(SpanKind.SERVER).setStartTimestamp(1_700_000_000_123_456_789L, TimeUnit.NANOSECONDS)
                    .setAttribute("gen_ai.operation.name", "chat")
                    .setAttribute(AttributeKey.longKey("heimdall.attempts"), 3L)
                    .setAttribute(AttributeKey.longKey("negative"), -42L)
                    .setAttribute(AttributeKey.doubleKey("gen_ai.request.temperature"), 0.3)
                    .setAttribute(AttributeKey.booleanKey("heimdall.cache.hit"), false)
                    .setAttribute("empty", "")
                    .setAttribute("unicode", "prompt ✓ 日本語 " + "x".repeat(300))
                    .startSpan();
            request.setAttribute(AttributeKey.stringArrayKey("gen_ai.response.finish_reasons"),
                    List.of("stop", "length"));
            request.setAttribute(AttributeKey.longArrayKey("longs"), List.of(1L, -2L, 300L));
            request.setAttribute(AttributeKey.doubleArrayKey("doubles"), List.of(0.5, -1e300));
            request.setAttribute(AttributeKey.booleanArrayKey("bools"), List.of(true, false));
            request.addEvent("gen_ai.first_token", Attributes.of(AttributeKey.doubleKey("seconds"), 0.25),
                    1_700_000_000_200_000_000L, TimeUnit.NANOSECONDS);
            request.setStatus(StatusCode.ERROR, "502 upstream_error");
            Span attempt = tracer.spanBuilder("chat gpt-4o").setParent(Context.root().with(request))
                    .setSpanKind(SpanKind.CLIENT).addLink(remote, Attributes.of(AttributeKey.stringKey("l"), "k"))
                    .setAttribute("x".repeat(200), "long key").startSpan();
            attempt.setStatus(StatusCode.OK);
            attempt.end();
            other.spanBuilder("internal").startSpan().end();
            for (int i = 0; i < 300; i++) {
                tracer.spanBuilder("bulk " + i).setAttribute(AttributeKey.longKey("i"), i).startSpan().end();
            }
            request.end(1_700_000_001_000_000_000L, TimeUnit.NANOSECONDS);
        }
        return keep.spans();
    }

    @Test
    void writesTheSameRequestAsTheSdkMarshaler() throws Exception {
        List<SpanData> spans = spans();
        ByteArrayOutputStream sdk = new ByteArrayOutputStream();
        TraceRequestMarshaler.create(spans).writeBinaryTo(sdk);
        OtlpTraceEncoder encoder = new OtlpTraceEncoder().encode(spans);
        byte[] ours = Arrays.copyOf(encoder.bytes(), encoder.size());
        ExportTraceServiceRequest expected = ExportTraceServiceRequest.parseFrom(sdk.toByteArray());
        ExportTraceServiceRequest actual = ExportTraceServiceRequest.parseFrom(ours);
        assertEquals(expected, actual);
        assertArrayEquals(sdk.toByteArray(), ours, "byte for byte what the SDK's marshaler writes");
        assertEquals(303, actual.getResourceSpans(0).getScopeSpansList().stream().mapToInt(s -> s.getSpansCount())
                .sum());
        // the buffer is reused: a second, smaller batch replaces the first
        List<SpanData> one = List.of(spans.getFirst());
        ByteArrayOutputStream sdkOne = new ByteArrayOutputStream();
        TraceRequestMarshaler.create(one).writeBinaryTo(sdkOne);
        encoder.encode(one);
        assertArrayEquals(sdkOne.toByteArray(), Arrays.copyOf(encoder.bytes(), encoder.size()));
    }
}
