package dev.httpfromscratch.step3;

/**
 * The request line and header fields of a request, complete before its body arrives.
 *
 * <p>A server needs this moment: a client that sent {@code Expect: 100-continue} waits for an
 * interim {@code 100 Continue} before it sends its body (RFC 9110 §10.1.1), and a server that
 * will refuse the body anyway (413, 415, 401) should say so now instead of reading it. The
 * parser offers the head through {@link RequestParser#head()} as soon as it reaches the body.
 *
 * @param contentLength the validated Content-Length, or -1 when the request has none
 */
public record RequestHead(String method, String target, String version, HttpHeaders headers, long contentLength) {
    public static final String HTTP_1_1 = "HTTP/1.1";
    public static final String HTTP_1_0 = "HTTP/1.0";

    /** True when the client waits for "100 Continue" before sending its body. */
    public boolean expectsContinue() {
        return version.equals(HTTP_1_1) && headers.hasToken("Expect", "100-continue");
    }

    /** The complete request made of this head and its body. */
    public HttpRequest withBody(byte[] body) {
        return new HttpRequest(method, target, version, headers, body);
    }
}
