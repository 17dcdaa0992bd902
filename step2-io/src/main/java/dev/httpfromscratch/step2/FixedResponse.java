package dev.httpfromscratch.step2;

import java.nio.charset.StandardCharsets;

/**
 * The bytes this step's server writes back, whatever the request said
 * (docs/02-io.md, "Stage 1: read a request and answer it"). CerberusHTTP, too, answers every request with one
 * hard-coded {@code HTTP/1.1 200 OK}; step 3 makes the answer depend on the request.
 *
 * <p>A response is a status line, header fields, an empty line and the body, every line ending in
 * CR LF (RFC 9112 §2.1). {@code Content-Length} counts the body's <em>bytes</em> (RFC 9110 §8.6):
 * the body below holds an arrow that takes three bytes in UTF-8, so the number of
 * {@code char}s in the Java string is the wrong answer.
 */
public final class FixedResponse {
    /** The body of every 200 response of this step. */
    public static final String OK_BODY = "Hello from step 2: bytes in \u2192 bytes out\n";

    private FixedResponse() {}

    /** The answer to any complete request. */
    public static byte[] ok() {
        return build(200, "OK", OK_BODY);
    }

    /** The answer to a header section over {@link RequestReader#MAX_HEADER_SECTION_BYTES}. */
    public static byte[] headerSectionTooLarge() {
        return build(431, "Request Header Fields Too Large",
                "The header section is longer than " + RequestReader.MAX_HEADER_SECTION_BYTES + " bytes.\n");
    }

    /**
     * A complete response: {@code HTTP/1.1 <status> <reason>}, then {@code Content-Type:
     * text/plain; charset=utf-8}, {@code Content-Length: <body bytes>} and {@code Connection:
     * close}, an empty line, and the body in UTF-8.
     */
    static byte[] build(int status, String reason, String body) {
        // BEGIN SOLUTION
        // STUB: throw new UnsupportedOperationException("Step 2: return the whole response as bytes, as a client reads them off the wire (docs/02-io.md, 'Stage 1: read a request and answer it')");
        byte[] bodyBytes = body.getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 " + status + " " + reason + "\r\n"
                + "Content-Type: text/plain; charset=utf-8\r\n"
                + "Content-Length: " + bodyBytes.length + "\r\n"
                // The server closes after this one response, and says so: the client then neither
                // sends a second request on this connection nor waits for one more answer.
                + "Connection: close\r\n"
                + "\r\n";
        byte[] headBytes = head.getBytes(StandardCharsets.US_ASCII);
        byte[] response = new byte[headBytes.length + bodyBytes.length];
        System.arraycopy(headBytes, 0, response, 0, headBytes.length);
        System.arraycopy(bodyBytes, 0, response, headBytes.length, bodyBytes.length);
        return response;
        // END SOLUTION
    }
}
