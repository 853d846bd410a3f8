package io.heimdall.api.model;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/** A message's content: either a plain string or a list of parts, as on the wire. */
public sealed interface MessageContent permits MessageContent.Text, MessageContent.Parts {
    /** All text of the content, parts joined by a newline; non-text parts are skipped. */
    String text();

    /** Plain string content. */
    static MessageContent of(String text) {
        return new Text(text);
    }

    /**
     * Content sent as a plain JSON string.
     *
     * @param text the text
     */
    record Text(String text) implements MessageContent {
        /** Validates the text. */
        public Text {
            Objects.requireNonNull(text, "text");
        }
    }

    /**
     * Content sent as an array of parts.
     *
     * @param parts the parts in order
     */
    record Parts(List<ContentPart> parts) implements MessageContent {
        /** Copies the parts. */
        public Parts {
            parts = Values.list(parts);
        }

        @Override
        public String text() {
            return parts.stream()
                    .filter(ContentPart.Text.class::isInstance)
                    .map(p -> ((ContentPart.Text) p).text())
                    .collect(Collectors.joining("\n"));
        }
    }
}
