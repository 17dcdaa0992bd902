package dev.httpfromscratch.step3;

import java.nio.charset.StandardCharsets;

/**
 * A response as a handler describes it: status, the header fields only it knows (Content-Type,
 * Allow, ...) and the body. The {@link ResponseWriter} adds what every response needs (Date,
 * Server, Content-Length, Connection) when it turns this into bytes.
 *
 * @param status  the status code
 * @param headers header fields of this response (never Content-Length: the writer counts the body)
 * @param body    the body bytes (empty for none, never null)
 */
public record HttpResponse(int status, HttpHeaders headers, byte[] body) {
    public static final String TEXT_PLAIN = "text/plain; charset=utf-8";
    public static final String APPLICATION_JSON = "application/json";

    private static final byte[] EMPTY = new byte[0];

    /** A response with a body of type {@code contentType}. */
    public static HttpResponse of(int status, String contentType, byte[] body) {
        return new HttpResponse(status, new HttpHeaders().add("Content-Type", contentType), body);
    }

    /** A UTF-8 text/plain response. */
    public static HttpResponse text(int status, String body) {
        return of(status, TEXT_PLAIN, body.getBytes(StandardCharsets.UTF_8));
    }

    /** An application/json response; {@code json} must already be a JSON document. */
    public static HttpResponse json(int status, String json) {
        return of(status, APPLICATION_JSON, json.getBytes(StandardCharsets.UTF_8));
    }

    /** A response without a body (204, or a HEAD answer built by hand). */
    public static HttpResponse empty(int status) {
        return new HttpResponse(status, new HttpHeaders(), EMPTY);
    }

    /**
     * The short text response for an error: the status line says what class of error, the body
     * says in one sentence what exactly (a parser rejection's reason, say). Never a stack trace.
     */
    public static HttpResponse error(int status, String reason) {
        return text(status, status + " " + Status.reasonPhrase(status) + ": " + reason + "\n");
    }

    /** This response with one more header field. */
    public HttpResponse withHeader(String name, String value) {
        return new HttpResponse(status, headers.copy().add(name, value), body);
    }

    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }
}
