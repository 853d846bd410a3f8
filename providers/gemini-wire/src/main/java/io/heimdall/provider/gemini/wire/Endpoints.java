package io.heimdall.provider.gemini.wire;

import java.net.URI;
import java.util.Locale;

/** Base URLs of Google endpoints as config gives them. */
public final class Endpoints {
    private Endpoints() {
    }

    /**
     * Strips trailing slashes and checks that the URL is absolute http(s) without query or fragment.
     *
     * @throws IllegalArgumentException with a message for the config path
     */
    public static String baseUrl(String raw) {
        String url = raw.strip().replaceAll("/+$", "");
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("base-url is not a valid URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null
                || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException("base-url must be an absolute http or https URL without query");
        }
        return url;
    }

    /** Whether a base URL's path already ends with an API version ({@code /v1}, {@code /v1beta}, {@code /v1beta1}). */
    public static boolean hasVersion(String baseUrl) {
        return baseUrl.matches("(?i).*/v\\d+[a-z0-9]*/*");
    }
}
