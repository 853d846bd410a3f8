package io.heimdall.api.model;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One part of a multi-part message content: text, an image, or any other part type kept as raw JSON. Part types the
 * gateway does not model ({@code input_audio}, {@code file}, {@code document}, a vendor's own) are never rejected:
 * they are {@link Other} parts and are sent on exactly as they came.
 */
public sealed interface ContentPart permits ContentPart.Text, ContentPart.Image, ContentPart.Other {
    /** The wire {@code type} of this part. */
    String type();

    /** A text part. */
    static ContentPart.Text text(String text) {
        return new Text(text);
    }

    /**
     * A text part.
     *
     * @param text         the text
     * @param cacheControl a prompt-cache marker ({@code cache_control}) ending at this part
     * @param extra        other fields of the part, passed through
     */
    record Text(String text, Optional<CacheControl> cacheControl, Map<String, RawJson> extra) implements ContentPart {
        /** Validates and normalises the fields. */
        public Text {
            Objects.requireNonNull(text, "text");
            cacheControl = Values.opt(cacheControl);
            extra = Values.map(extra);
        }

        /** A text part without cache marker. */
        public Text(String text) {
            this(text, Optional.empty(), Map.of());
        }

        /** The same text with a prompt-cache marker. */
        public Text withCacheControl(CacheControl value) {
            return new Text(text, Optional.of(value), extra);
        }

        @Override
        public String type() {
            return "text";
        }
    }

    /**
     * An image part ({@code image_url}): an https URL or a {@code data:} URL.
     *
     * @param url          the image URL
     * @param detail       the requested detail level ({@code low}, {@code high}, {@code auto})
     * @param cacheControl a prompt-cache marker ({@code cache_control}) ending at this part
     * @param extra        other fields of the part (beside {@code type}, {@code image_url}, {@code cache_control})
     */
    record Image(String url, Optional<String> detail, Optional<CacheControl> cacheControl,
                 Map<String, RawJson> extra) implements ContentPart {
        /** Validates and normalises the fields. */
        public Image {
            Objects.requireNonNull(url, "url");
            detail = Values.opt(detail);
            cacheControl = Values.opt(cacheControl);
            extra = Values.map(extra);
        }

        /** An image part without cache marker. */
        public Image(String url, Optional<String> detail) {
            this(url, detail, Optional.empty(), Map.of());
        }

        /** The same image with a prompt-cache marker. */
        public Image withCacheControl(CacheControl value) {
            return new Image(url, detail, Optional.of(value), extra);
        }

        @Override
        public String type() {
            return "image_url";
        }
    }

    /**
     * Any other part ({@code input_audio}, {@code file}, {@code document}, ...), kept whole: its JSON, including any
     * {@code cache_control}, is written back exactly as it was read.
     *
     * @param type the wire type
     * @param json the whole part object as JSON
     */
    record Other(String type, RawJson json) implements ContentPart {
        /** Validates the fields. */
        public Other {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(json, "json");
        }
    }
}
