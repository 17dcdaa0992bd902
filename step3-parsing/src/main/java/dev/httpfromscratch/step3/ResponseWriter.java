package dev.httpfromscratch.step3;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Turns an {@link HttpResponse} into the bytes of an HTTP/1.1 response (RFC 9112 §4, §6):
 * status line, the fields every response carries, the handler's fields, the empty line, the body.
 *
 * <p>It does no I/O: a blocking server writes the bytes to a socket's OutputStream, an event loop
 * (step 4) keeps the ByteBuffer until the socket can take it. It is thread-safe: any number of
 * connection threads may share one writer.
 *
 * <p>CerberusHTTP sent {@code Content-Length: 30} with a 35-byte body; a client then reads 30
 * bytes as the body and the last 5 as the start of the next response. Here the writer counts the
 * body itself, so the length is right by construction.
 */
public final class ResponseWriter {
    /** The interim response a client that sent {@code Expect: 100-continue} waits for (RFC 9110 §15.2.1). */
    public static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    /** IMF-fixdate (RFC 9110 §5.6.7): "Sun, 06 Nov 1994 08:49:37 GMT", always English, always GMT, 2-digit day. */
    static final DateTimeFormatter IMF_FIXDATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);

    private record CachedDate(long epochSecond, String text) {}

    private final String serverName;
    private final Clock clock;
    /** The Date value changes once a second: format it once a second, not once a response. */
    private volatile CachedDate cachedDate = new CachedDate(Long.MIN_VALUE, "");

    /** A writer whose Server field is "http-from-scratch", with the system clock. */
    public ResponseWriter() {
        this("http-from-scratch", Clock.systemUTC());
    }

    /** @param clock the source of the Date field (tests pass a fixed clock) */
    public ResponseWriter(String serverName, Clock clock) {
        this.serverName = serverName;
        this.clock = clock;
    }

    /**
     * The bytes of {@code response}.
     *
     * @param headRequest     true when answering HEAD: the same header fields as for GET, and no body (RFC 9110 §9.3.2)
     * @param closeConnection true when the server closes the connection after this response
     *                        ({@code Connection: close}), false for {@code Connection: keep-alive}
     * @throws IllegalArgumentException when a header field name is not a token or a value holds
     *                                  CR, LF or NUL (response splitting: never send such a field)
     */
    public byte[] encode(HttpResponse response, boolean headRequest, boolean closeConnection) {
        // BEGIN SOLUTION
        // STUB: throw new UnsupportedOperationException("Step 3: turn the response into the bytes of an HTTP/1.1 response, its length counted in bytes (docs/03-parsing.md, 'Code: ResponseWriter.encode')");
        int status = response.status();
        StringBuilder head = new StringBuilder(160 + 48 * response.headers().size());
        head.append("HTTP/1.1 ").append(status).append(' ').append(Status.reasonPhrase(status)).append("\r\n");
        head.append("Date: ").append(date()).append("\r\n");
        head.append("Server: ").append(serverName).append("\r\n");
        HttpHeaders fields = response.headers();
        for (int i = 0; i < fields.size(); i++) {
            String name = fields.name(i);
            if (name.equalsIgnoreCase("Content-Length") || name.equalsIgnoreCase("Connection")) {
                continue; // the writer owns these two: it counts the body and knows whether it closes
            }
            checkField(name, fields.value(i));
            head.append(name).append(": ").append(fields.value(i)).append("\r\n");
        }
        // 1xx, 204 and 304 never have a body, so they carry no Content-Length (RFC 9110 §8.6).
        boolean bodyAllowed = status >= 200 && status != 204 && status != 304;
        if (bodyAllowed) {
            // For HEAD too: the length the GET would have had, so a client can size a download.
            head.append("Content-Length: ").append(response.body().length).append("\r\n");
        }
        head.append("Connection: ").append(closeConnection ? "close" : "keep-alive").append("\r\n");
        head.append("\r\n");
        int bodyLength = bodyAllowed && !headRequest ? response.body().length : 0;
        byte[] bytes = new byte[head.length() + bodyLength];
        for (int i = 0; i < head.length(); i++) {
            bytes[i] = (byte) head.charAt(i); // the head is ASCII (checked above): one char, one byte
        }
        System.arraycopy(response.body(), 0, bytes, head.length(), bodyLength);
        return bytes;
        // END SOLUTION
    }

    /** {@link #encode} as a ByteBuffer ready to be written (position 0, limit at the end). */
    public ByteBuffer encodeToBuffer(HttpResponse response, boolean headRequest, boolean closeConnection) {
        return ByteBuffer.wrap(encode(response, headRequest, closeConnection));
    }

    /** The current time as an IMF-fixdate, formatted at most once a second. */
    public String date() {
        long now = clock.millis() / 1000;
        CachedDate cached = cachedDate;
        if (cached.epochSecond() != now) {
            cached = new CachedDate(now, imfFixdate(now));
            cachedDate = cached; // a race only formats the same second twice
        }
        return cached.text();
    }

    /** {@code epochSecond} as an IMF-fixdate, the Date field's format: always 29 characters. */
    public static String imfFixdate(long epochSecond) {
        return IMF_FIXDATE.format(Instant.ofEpochSecond(epochSecond));
    }

    /** A field that would break the response apart (CR or LF in it) or is not ASCII is a bug in the handler. */
    private static void checkField(String name, String value) {
        if (name.isEmpty()) {
            throw new IllegalArgumentException("empty header field name");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c > 0x7f || !HttpSyntax.isTokenByte((byte) c)) {
                throw new IllegalArgumentException("header field name is not a token: " + HttpSyntax.shorten(name));
            }
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\r' || c == '\n' || c == 0 || c > 0x7e) {
                throw new IllegalArgumentException("header field " + name + " holds a CR, LF, NUL or non-ASCII character");
            }
        }
    }
}
