package io.heimdall.core.internal.server;

/** The {@code Allow} header of a 405 for each built-in path (HEAD is served by every GET route). */
final class AllowedMethods {
    private AllowedMethods() {
    }

    /** The methods the path answers, for example {@code GET, HEAD}. */
    static String of(String path) {
        String p = path.startsWith("/v1/") ? path.substring(3) : path;
        if (p.equals("/chat/completions") || p.equals("/embeddings")) {
            return "POST";
        }
        return "GET, HEAD";
    }
}
