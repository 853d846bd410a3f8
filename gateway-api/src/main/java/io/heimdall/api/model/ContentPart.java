package io.heimdall.api.model;

import java.util.Objects;
import java.util.Optional;

/** One part of a multi-part message content: text, an image, or another part type kept as raw JSON. */
public sealed interface ContentPart permits ContentPart.Text, ContentPart.Image, ContentPart.Other {
    /** The wire {@code type} of this part. */
    String type();

    /**
     * A text part.
     *
     * @param text the text
     */
    record Text(String text) implements ContentPart {
        /** Validates the text. */
        public Text {
            Objects.requireNonNull(text, "text");
        }

        @Override
        public String type() {
            return "text";
        }
    }

    /**
     * An image part ({@code image_url}): an https URL or a {@code data:} URL.
     *
     * @param url    the image URL
     * @param detail the requested detail level ({@code low}, {@code high}, {@code auto})
     */
    record Image(String url, Optional<String> detail) implements ContentPart {
        /** Validates the URL. */
        public Image {
            Objects.requireNonNull(url, "url");
            detail = Values.opt(detail);
        }

        @Override
        public String type() {
            return "image_url";
        }
    }

    /**
     * Any other part ({@code input_audio}, {@code file}, ...), kept whole.
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
