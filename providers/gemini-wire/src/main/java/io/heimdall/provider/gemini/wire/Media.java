package io.heimdall.provider.gemini.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.heimdall.api.GatewayException;
import io.heimdall.api.model.ContentPart;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Media parts: a base64 {@code data:} URL becomes {@code inlineData}, any other URL ({@code https:}, {@code gs:}, a
 * Files API URI) becomes {@code fileData} with a MIME type guessed from its extension; {@code input_audio} and
 * {@code file} parts are translated the same way. Anything else is a 400 naming the provider and the part.
 */
final class Media {
    private static final Pattern DATA_URL = Pattern.compile("data:([^;,]+)((?:;[^;,]*)*),(.*)", Pattern.DOTALL);
    private static final Map<String, String> TYPES = Map.ofEntries(
            Map.entry("png", "image/png"), Map.entry("jpg", "image/jpeg"), Map.entry("jpeg", "image/jpeg"),
            Map.entry("webp", "image/webp"), Map.entry("gif", "image/gif"), Map.entry("heic", "image/heic"),
            Map.entry("heif", "image/heif"), Map.entry("pdf", "application/pdf"), Map.entry("mp3", "audio/mp3"),
            Map.entry("wav", "audio/wav"), Map.entry("mp4", "video/mp4"), Map.entry("txt", "text/plain"));

    private Media() {
    }

    static ObjectNode image(String url, String at, String provider) {
        return url.startsWith("data:") ? inline(url, at, provider) : file(url, guess(url, "image/jpeg"));
    }

    static ObjectNode other(ContentPart.Other part, String at, String provider) {
        JsonNode json = Json.parse(part.json());
        switch (part.type()) {
            case "input_audio" -> {
                JsonNode audio = json.path("input_audio");
                String data = audio.path("data").asText("");
                String format = audio.path("format").asText("wav").toLowerCase(Locale.ROOT);
                return inlineData("audio/" + format, data);
            }
            case "file" -> {
                JsonNode file = json.path("file");
                Optional<String> data = Json.text(file, "file_data");
                if (data.isPresent() && data.get().startsWith("data:")) {
                    return inline(data.get(), at + ".file.file_data", provider);
                }
                Optional<String> id = Json.text(file, "file_id");
                if (id.isPresent()) {
                    return file(id.get(), guess(Json.text(file, "filename").orElse(id.get()),
                            "application/octet-stream"));
                }
                throw GatewayException.badRequest("A file part needs file_data as a base64 data: URL or a file_id",
                        at + ".file");
            }
            default -> throw GatewayException.badRequest("Provider '" + provider
                    + "' does not support content parts of type '" + part.type() + "'", at + ".type");
        }
    }

    private static ObjectNode inline(String url, String at, String provider) {
        Matcher m = DATA_URL.matcher(url);
        if (!m.matches() || !m.group(2).toLowerCase(Locale.ROOT).contains(";base64")) {
            throw GatewayException.badRequest("Provider '" + provider + "' needs data: URLs in base64 "
                    + "(data:<mime type>;base64,<data>)", at);
        }
        return inlineData(m.group(1), m.group(3));
    }

    private static ObjectNode inlineData(String mimeType, String data) {
        ObjectNode part = Json.object();
        ObjectNode inline = part.putObject("inlineData");
        inline.put("mimeType", mimeType);
        inline.put("data", data);
        return part;
    }

    private static ObjectNode file(String uri, String mimeType) {
        ObjectNode part = Json.object();
        ObjectNode file = part.putObject("fileData");
        file.put("mimeType", mimeType);
        file.put("fileUri", uri);
        return part;
    }

    private static String guess(String url, String fallback) {
        String path = url;
        int cut = path.indexOf('?');
        if (cut >= 0) {
            path = path.substring(0, cut);
        }
        int dot = path.lastIndexOf('.');
        if (dot < 0 || dot < path.lastIndexOf('/')) {
            return fallback;
        }
        return TYPES.getOrDefault(path.substring(dot + 1).toLowerCase(Locale.ROOT), fallback);
    }
}
