package dev.httpfromscratch.step3;

import java.nio.charset.StandardCharsets;

/**
 * One parsed request: what CerberusHTTP's {@code Request} struct held, plus the version and the
 * body as bytes (the parser does not guess what the body is; a handler decides, by Content-Type).
 *
 * @param method  the method token as sent, case-sensitive (RFC 9110 §9.1: "get" is not GET)
 * @param target  the request-target as sent, e.g. {@code /api?x=1} (RFC 9112 §3.2)
 * @param version {@code HTTP/1.1} or {@code HTTP/1.0}
 * @param headers the header fields in the order they came
 * @param body    the body bytes; empty when the request had none (never null)
 */
public record HttpRequest(String method, String target, String version, HttpHeaders headers, byte[] body) {

    /**
     * The target without its query: what a router matches ({@code /api} for {@code /api?x=1}).
     * For the absolute-form a proxy-style client sends ({@code http://host/api}) it is the path
     * after the authority (RFC 9112 §3.2.2); for {@code *} it is {@code *}.
     */
    public String path() {
        int start = 0;
        if (!target.isEmpty() && target.charAt(0) != '/' && !target.equals("*")) {
            int scheme = target.indexOf("://");
            int slash = scheme < 0 ? -1 : target.indexOf('/', scheme + 3);
            if (slash < 0) {
                return "/";
            }
            start = slash;
        }
        int query = target.indexOf('?', start);
        return query < 0 ? (start == 0 ? target : target.substring(start)) : target.substring(start, query);
    }

    /** The query after '?', or "" when there is none. */
    public String query() {
        int query = target.indexOf('?');
        return query < 0 ? "" : target.substring(query + 1);
    }

    /** The first value of a header field, or null. */
    public String header(String name) {
        return headers.get(name);
    }

    public boolean isHead() {
        return method.equals("HEAD");
    }

    /**
     * Whether the client asked to close the connection after this request: HTTP/1.1 keeps it open
     * unless {@code Connection: close}; HTTP/1.0 closes it unless {@code Connection: keep-alive}
     * (RFC 9112 §9.3).
     */
    public boolean wantsClose() {
        if (version.equals(RequestHead.HTTP_1_0)) {
            return !headers.hasToken("Connection", "keep-alive");
        }
        return headers.hasToken("Connection", "close");
    }

    /** The body decoded as UTF-8 (for logs and tests; handlers decide the charset themselves). */
    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return method + " " + target + " " + version + " " + headers + " (" + body.length + " body bytes)";
    }
}
