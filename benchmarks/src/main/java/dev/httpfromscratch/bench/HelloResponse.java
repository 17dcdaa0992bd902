package dev.httpfromscratch.bench;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * What every peer server answers, so that all targets of the benchmark send the same bytes as
 * final-server: the body of step 3's {@code GET /} (35 bytes of text/plain) and, for
 * {@code POST /api}, a small JSON object. Header fields: Date, Server, Content-Type,
 * Content-Length, Connection, as the course's ResponseWriter writes them.
 *
 * <p>A benchmark that compares servers sending different amounts of bytes compares the bytes,
 * not the servers; the response size is in the tables of docs/06-performance.md.
 */
final class HelloResponse {
    /** Same text as step 3's Routes.ROOT_BODY. */
    static final String ROOT_BODY = "[SERVER] This is the test response.";
    static final String TEXT_PLAIN = "text/plain; charset=utf-8";
    /** The peers do not parse JSON (final-server does, with Jackson): they read the body and answer this. */
    static final String API_BODY = "{\"received\":true}";
    static final String APPLICATION_JSON = "application/json";
    static final String SERVER_NAME = "bench-peer";

    private static final DateTimeFormatter IMF_FIXDATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);

    private record CachedDate(long second, String text) {}

    private static volatile CachedDate cachedDate = new CachedDate(Long.MIN_VALUE, "");

    private HelloResponse() {}

    /** Today's Date field value, formatted at most once a second (as nginx and Netty's users do). */
    static String date() {
        long now = System.currentTimeMillis() / 1000;
        CachedDate cached = cachedDate;
        if (cached.second() != now) {
            cached = new CachedDate(now, IMF_FIXDATE.format(Instant.ofEpochSecond(now)));
            cachedDate = cached;
        }
        return cached.text();
    }

    static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    /** A whole response with a fixed Date: the raw NIO loop sends exactly these bytes every time. */
    static byte[] preEncoded(String body, String contentType, boolean close) {
        return ascii("HTTP/1.1 200 OK\r\n"
                + "Date: " + date() + "\r\n"
                + "Server: " + SERVER_NAME + "\r\n"
                + "Content-Type: " + contentType + "\r\n"
                + "Content-Length: " + body.length() + "\r\n"
                + "Connection: " + (close ? "close" : "keep-alive") + "\r\n"
                + "\r\n"
                + body);
    }
}
