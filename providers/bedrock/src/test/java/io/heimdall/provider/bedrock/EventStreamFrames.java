package io.heimdall.provider.bedrock;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * Writes AWS event-stream messages as the service does (written from the AWS event-stream encoding: a prelude of
 * total length, headers length and their CRC32; string headers of type 7; the payload; a CRC32 of all before it).
 * Independent of {@link EventStreamDecoder}, so each checks the other.
 */
final class EventStreamFrames {
    private EventStreamFrames() {
    }

    /** One message with string headers. */
    static byte[] message(Map<String, String> headers, byte[] payload) {
        ByteArrayOutputStream h = new ByteArrayOutputStream();
        for (Map.Entry<String, String> e : headers.entrySet()) {
            byte[] name = e.getKey().getBytes(StandardCharsets.UTF_8);
            byte[] value = e.getValue().getBytes(StandardCharsets.UTF_8);
            h.write(name.length);
            h.writeBytes(name);
            h.write(7);
            h.write(value.length >> 8);
            h.write(value.length & 0xff);
            h.writeBytes(value);
        }
        byte[] hb = h.toByteArray();
        int total = 12 + hb.length + payload.length + 4;
        ByteBuffer b = ByteBuffer.allocate(total);
        b.putInt(total).putInt(hb.length);
        CRC32 crc = new CRC32();
        crc.update(b.array(), 0, 8);
        b.putInt((int) crc.getValue());
        b.put(hb).put(payload);
        CRC32 all = new CRC32();
        all.update(b.array(), 0, total - 4);
        b.putInt((int) all.getValue());
        return b.array();
    }

    /** An event: {@code :event-type}, {@code :content-type: application/json}, {@code :message-type: event}. */
    static byte[] event(String type, String json) {
        return typed(":event-type", type, "event", json);
    }

    /** An exception: {@code :exception-type}, {@code :content-type}, {@code :message-type: exception}. */
    static byte[] exception(String type, String json) {
        return typed(":exception-type", type, "exception", json);
    }

    private static byte[] typed(String typeHeader, String type, String messageType, String json) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(typeHeader, type);
        headers.put(":content-type", "application/json");
        headers.put(":message-type", messageType);
        return message(headers, json.getBytes(StandardCharsets.UTF_8));
    }
}
