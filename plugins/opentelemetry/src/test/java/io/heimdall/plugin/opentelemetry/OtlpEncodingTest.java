package io.heimdall.plugin.opentelemetry;

import io.heimdall.api.model.Usage;
import io.heimdall.api.observe.RequestSummary;
import io.heimdall.api.model.GatewayError;
import io.heimdall.api.route.Attempt;
import io.heimdall.api.route.Fault;
import io.heimdall.api.route.Target;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The plugin's own OTLP encoding, decoded by protobuf-java's classes generated from opentelemetry-proto: every field a
 * span can carry, lengths that need two and three varint bytes, text outside ASCII, and a resource's attribute types.
 */
class OtlpEncodingTest {
    private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String PARENT = "00f067aa0ba902b7";

    private static Map<String, AnyValue> attributes(List<KeyValue> list) {
        Map<String, AnyValue> map = new LinkedHashMap<>();
        list.forEach(kv -> map.put(kv.getKey(), kv.getValue()));
        assertEquals(list.size(), map.size(), "no key twice: " + list);
        return map;
    }

    private static String hex(com.google.protobuf.ByteString bytes) {
        return HexFormat.of().formatHex(bytes.toByteArray());
    }

    @Test
    void everyFieldOfARequestAndItsFailedAttemptDecodes() {
        SpanContext remote = SpanContext.createFromRemoteParent(TRACE, PARENT, TraceFlags.getSampled(),
                TraceState.builder().put("vendor", "v1").put("other", "o2").build());
        String prompt = "héllo 👋 " + "x".repeat(20_000) + '\ud800'; // 3-byte length, 2- and 4-byte chars, a lone surrogate
        RequestSpan request = new RequestSpan(HexIds.parse(TRACE, 0), HexIds.parse(TRACE, 16), HexIds.randomId(), true,
                remote.getTraceState(), remote, 1_700_000_000_000_000_000L, "chat", "req-1", "team-a", "smärt", true);
        request.maxTokens = 256;
        request.temperature = 0.25;
        request.topP = 1.0;
        request.inputMessages = prompt;
        request.responseModel = "gpt-4o-2024";
        request.responseId = "chatcmpl-1";
        request.finishReasons = List.of("stop", "length");
        AttemptSpan attempt = new AttemptSpan(HexIds.randomId(), request, request.startNanos + 1_000, "chat",
                new Target("openai", "gpt-4o", "primary", 1, 0), 1);
        request.add(attempt);
        request.finish(new Attempt(new Target("openai", "gpt-4o", "primary", 1, 0), 1, 0, 503,
                Optional.of(GatewayError.of(503, "server_error", "overloaded")), Fault.PROVIDER, Optional.empty(),
                Duration.ofMillis(7), Optional.empty(), Optional.empty(), Optional.empty(), Optional.of("127.0.0.1"),
                OptionalInt.of(8080)));
        request.finish(new RequestSummary("chat.stream", Optional.of("smärt"), 200, Optional.empty(),
                Duration.ofMillis(40), Optional.of("openai/gpt-4o"), 2, Optional.of(Usage.of(12, 34)), false,
                Optional.of(Duration.ofMillis(9))));

        List<Span> spans = SpanQueueTest.decode(request.encode());
        Span a = spans.get(0);
        Span r = spans.get(1);

        assertEquals(TRACE, hex(r.getTraceId()));
        assertEquals(PARENT, hex(r.getParentSpanId()));
        assertEquals(request.getSpanId(), hex(r.getSpanId()));
        Map<String, String> headers = new LinkedHashMap<>();
        W3CTraceContextPropagator.getInstance().inject(Context.root().with(io.opentelemetry.api.trace.Span.wrap(remote)),
                headers, Map::put);
        assertEquals(headers.get("tracestate"), r.getTraceState(), "as the W3C propagator writes it");
        assertEquals(2, r.getTraceState().split(",").length);
        assertEquals(0x301, r.getFlags(), "sampled, and the parent is remote");
        assertEquals("chat smärt", r.getName());
        assertEquals(1_700_000_000_000_000_000L, r.getStartTimeUnixNano());
        assertEquals(1_700_000_000_040_000_000L, r.getEndTimeUnixNano());
        Map<String, AnyValue> ra = attributes(r.getAttributesList());
        assertEquals("chat", ra.get("gen_ai.operation.name").getStringValue());
        assertEquals("req-1", ra.get("heimdall.request.id").getStringValue());
        assertEquals("team-a", ra.get("heimdall.caller").getStringValue());
        assertEquals("smärt", ra.get("gen_ai.request.model").getStringValue());
        assertEquals(true, ra.get("heimdall.stream").getBoolValue());
        assertEquals(256, ra.get("gen_ai.request.max_tokens").getIntValue());
        assertEquals(0.25, ra.get("gen_ai.request.temperature").getDoubleValue());
        assertEquals(1.0, ra.get("gen_ai.request.top_p").getDoubleValue());
        assertEquals(prompt.substring(0, prompt.length() - 1) + "?", ra.get("gen_ai.input.messages").getStringValue());
        assertEquals("gpt-4o-2024", ra.get("gen_ai.response.model").getStringValue());
        assertEquals("chatcmpl-1", ra.get("gen_ai.response.id").getStringValue());
        assertEquals(List.of("stop", "length"), ra.get("gen_ai.response.finish_reasons").getArrayValue()
                .getValuesList().stream().map(AnyValue::getStringValue).toList());
        assertEquals(2, ra.get("heimdall.attempts").getIntValue());
        assertEquals(AnyValue.ValueCase.BOOL_VALUE, ra.get("heimdall.cache.hit").getValueCase(), "false is written");
        assertEquals("openai/gpt-4o", ra.get("heimdall.served_by").getStringValue());
        assertEquals(200, ra.get("http.response.status_code").getIntValue());
        assertEquals(12, ra.get("gen_ai.usage.input_tokens").getIntValue());
        assertEquals(34, ra.get("gen_ai.usage.output_tokens").getIntValue());
        assertEquals(0.009, ra.get("gen_ai.response.time_to_first_chunk").getDoubleValue());
        assertEquals(1, r.getEventsCount());
        assertEquals("gen_ai.first_token", r.getEvents(0).getName());
        assertEquals(r.getStartTimeUnixNano() + 9_000_000, r.getEvents(0).getTimeUnixNano());
        assertEquals(0.009, r.getEvents(0).getAttributes(0).getValue().getDoubleValue());
        assertFalse(r.hasStatus(), "an unset status is not written");

        assertEquals(r.getSpanId(), a.getParentSpanId());
        assertEquals(0x101, a.getFlags(), "sampled, the parent is local");
        assertEquals("chat gpt-4o", a.getName());
        assertEquals(r.getStartTimeUnixNano() + 1_000, a.getStartTimeUnixNano());
        assertEquals(a.getStartTimeUnixNano() + 7_000_000, a.getEndTimeUnixNano());
        Map<String, AnyValue> aa = attributes(a.getAttributesList());
        assertEquals("openai", aa.get("gen_ai.provider.name").getStringValue());
        assertEquals("openai", aa.get("gen_ai.system").getStringValue());
        assertEquals("gpt-4o", aa.get("gen_ai.request.model").getStringValue());
        assertEquals("primary", aa.get("heimdall.key.name").getStringValue());
        assertEquals(1, aa.get("heimdall.attempt.number").getIntValue());
        assertEquals(AnyValue.ValueCase.INT_VALUE, aa.get("heimdall.attempt.retry").getValueCase(), "0 is written");
        assertEquals("127.0.0.1", aa.get("server.address").getStringValue());
        assertEquals(8080, aa.get("server.port").getIntValue());
        assertEquals("provider", aa.get("heimdall.fault").getStringValue());
        assertEquals(503, aa.get("http.response.status_code").getIntValue());
        assertEquals("server_error", aa.get("error.type").getStringValue());
        assertEquals(Status.StatusCode.STATUS_CODE_ERROR, a.getStatus().getCode());
        assertEquals("503 server_error", a.getStatus().getMessage());
    }

    @Test
    void aResourceKeepsItsAttributesTypes() throws Exception {
        var resource = io.opentelemetry.sdk.resources.Resource.create(Attributes.builder()
                .put("service.name", "heimdall").put("k.long", 7L).put("k.double", 1.5).put("k.bool", false)
                .put(AttributeKey.stringArrayKey("k.list"), List.of("a", "b")).build());
        Map<String, AnyValue> decoded = attributes(Resource.parseFrom(Otlp.resource(resource)).getAttributesList());
        assertEquals("heimdall", decoded.get("service.name").getStringValue());
        assertEquals(7, decoded.get("k.long").getIntValue());
        assertEquals(1.5, decoded.get("k.double").getDoubleValue());
        assertEquals(AnyValue.ValueCase.BOOL_VALUE, decoded.get("k.bool").getValueCase());
        assertEquals(2, decoded.get("k.list").getArrayValue().getValuesCount());
    }

    @Test
    void varintSizesAndLongFieldsMatchProtobufJava() {
        for (long v : new long[] {0, 1, 127, 128, 16_383, 16_384, 2_097_151, 2_097_152, Long.MAX_VALUE, -1}) {
            assertEquals(com.google.protobuf.CodedOutputStream.computeUInt64SizeNoTag(v), ProtoBuffer.varintSize(v),
                    "size of " + v);
        }
        for (int n : new int[] {0, 127, 128, 16_383, 16_384, 2_097_152}) {
            for (boolean wide : new boolean[] {false, true}) {
                ProtoBuffer b = new ProtoBuffer(4);
                int mark = wide ? b.beginWide(1) : b.begin(1);
                b.utf8("y".repeat(n));
                if (wide) {
                    b.endWide(mark);
                } else {
                    b.end(mark);
                }
                b.varintField(2, 5); // what follows the field is written after its final length
                int field = com.google.protobuf.CodedOutputStream.computeStringSize(1, "y".repeat(n));
                assertEquals(field + 2, b.length(), "length of " + n + (wide ? " (wide)" : ""));
                try {
                    assertEquals(n, KeyValue.parseFrom(java.util.Arrays.copyOf(b.array(), field)).getKey().length());
                    assertEquals(5, b.array()[field + 1]);
                } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                    throw new AssertionError(e);
                }
            }
        }
    }
}
