package io.heimdall.testkit.internal;

/**
 * An error the mock answers with, in OpenAI's shape. Thrown while reading a request; carries no stack trace.
 */
public final class MockError extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int status;
    private final String type;
    private final String param;
    private final String code;

    /**
     * An error.
     *
     * @param status  the HTTP status
     * @param type    the OpenAI error type
     * @param message the message
     * @param param   the parameter at fault, or null
     * @param code    the error code, or null
     */
    public MockError(int status, String type, String message, String param, String code) {
        super(message, null, false, false);
        this.status = status;
        this.type = type;
        this.param = param;
        this.code = code;
    }

    /** A 400 {@code invalid_request_error}. */
    public static MockError invalid(String message, String param, String code) {
        return new MockError(400, "invalid_request_error", message, param, code);
    }

    /** The HTTP status. */
    public int status() {
        return status;
    }

    /** The OpenAI error type. */
    public String type() {
        return type;
    }

    /** The parameter at fault, or null. */
    public String param() {
        return param;
    }

    /** The error code, or null. */
    public String code() {
        return code;
    }
}
