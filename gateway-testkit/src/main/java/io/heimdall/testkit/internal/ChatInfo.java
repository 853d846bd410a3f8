package io.heimdall.testkit.internal;

/** What the mock needs from a chat completion request; the rest of the body is skipped. */
public final class ChatInfo {
    /** The model. */
    public String model;
    /** Whether the response is streamed. */
    public boolean stream;
    /** {@code stream_options.include_usage}. */
    public boolean includeUsage;
    /** {@code stream_options.include_obfuscation}, true unless set to false (as OpenAI defaults it). */
    public boolean includeObfuscation = true;
    /** The text of the last {@code user} message, parts joined by a newline. */
    public String lastUserText = "";
    /** The role of the last message. */
    public String lastRole = "";
    /** The number of messages. */
    public int messages;
    /** Words in all messages' text. */
    public int promptWords;
    /** The function name of the first tool, or null. */
    public String firstTool;
    /** {@code none}, {@code auto}, {@code required} or {@code function}. */
    public String toolChoice = "auto";
    /** The forced function when {@link #toolChoice} is {@code function}. */
    public String toolChoiceFunction;

    /** The prompt tokens the mock reports: words plus 4 per message. */
    public int promptTokens() {
        return promptWords + 4 * messages;
    }

    /**
     * The function the assistant calls, or null for a text answer: the forced function, else the first tool unless
     * {@code tool_choice} is {@code none}, or it is {@code auto} and the last message is a tool result.
     */
    public String toolToCall() {
        return switch (toolChoice) {
            case "none" -> null;
            case "function" -> toolChoiceFunction;
            case "required" -> firstTool;
            default -> "tool".equals(lastRole) ? null : firstTool;
        };
    }
}
