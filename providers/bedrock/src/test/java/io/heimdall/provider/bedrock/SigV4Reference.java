package io.heimdall.provider.bedrock;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * An independent Signature Version 4 implementation for tests, written from the AWS specification (canonical request,
 * string to sign, derived signing key), used to check both the SDK's signer and what the mock upstream receives.
 */
final class SigV4Reference {
    private SigV4Reference() {
    }

    /**
     * The signature of a request.
     *
     * @param method        the HTTP method
     * @param rawPath       the path as sent on the wire (already percent-encoded once)
     * @param query         the canonical query string ("" for none)
     * @param signedHeaders lower-case header name → value, for the headers listed as signed
     * @param payloadHash   hex SHA-256 of the body
     * @param amzDate       {@code yyyyMMdd'T'HHmmss'Z'}
     * @param region        the region
     * @param service       the service name
     * @param secret        the secret access key
     */
    static String signature(String method, String rawPath, String query, Map<String, String> signedHeaders,
                            String payloadHash, String amzDate, String region, String service, String secret) {
        List<String> names = signedHeaders.keySet().stream().sorted().toList();
        String canonicalHeaders = names.stream()
                .map(n -> n + ":" + signedHeaders.get(n).strip().replaceAll(" +", " ") + "\n")
                .collect(Collectors.joining());
        String canonical = method + "\n" + canonicalUri(rawPath) + "\n" + query + "\n" + canonicalHeaders + "\n"
                + String.join(";", names) + "\n" + payloadHash;
        String date = amzDate.substring(0, 8);
        String scope = date + "/" + region + "/" + service + "/aws4_request";
        String toSign = "AWS4-HMAC-SHA256\n" + amzDate + "\n" + scope + "\n" + sha256Hex(canonical
                .getBytes(StandardCharsets.UTF_8));
        byte[] key = hmac(("AWS4" + secret).getBytes(StandardCharsets.UTF_8), date);
        key = hmac(key, region);
        key = hmac(key, service);
        key = hmac(key, "aws4_request");
        return HexFormat.of().formatHex(hmac(key, toSign));
    }

    /** Non-S3 services encode the (already encoded) path once more, keeping the slashes. */
    static String canonicalUri(String rawPath) {
        if (rawPath.isEmpty()) {
            return "/";
        }
        StringBuilder out = new StringBuilder();
        for (byte b : rawPath.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.'
                    || c == '_' || c == '~' || c == '/') {
                out.append((char) c);
            } else {
                out.append('%').append(String.format(Locale.ROOT, "%02X", c));
            }
        }
        return out.toString();
    }

    static String sha256Hex(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
