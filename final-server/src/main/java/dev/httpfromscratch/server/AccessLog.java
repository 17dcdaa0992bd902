package dev.httpfromscratch.server;

import java.time.Instant;
import java.time.format.DateTimeFormatter;

/**
 * One event loop's access log: one JSON object per request (JSON lines), collected in memory
 * during a loop turn and handed to the {@link LogWriter} once at its end (docs/05-final-server.md, "Logs").
 *
 * <p>JSON lines because every log shipper parses them without a custom pattern (Promtail's
 * {@code json} stage, Filebeat's {@code ndjson} parser, Fluent Bit's {@code json} parser), and
 * because escaping is defined: a {@code "} in a target or a user agent cannot break a field.
 * A line:
 * <pre>{"time":"2026-12-02T07:00:45.123Z","peer":"[::1]:52788","method":"GET","target":"/","version":"HTTP/1.1","status":200,"bytes":143,"duration_us":41,"user_agent":"curl/7.88.1"}</pre>
 *
 * <p>The loop never writes to a stream itself: a blocked standard output would stop it
 * (LogWriter says why). One hand-over per turn costs one queue offer for all the requests of the
 * turn. Turn it off (--access-log off) for a benchmark, or when a proxy in front already logs.
 */
final class AccessLog {
    private static final int FLUSH_AT = 32 * 1024;
    private static final int MAX_FIELD = 200;

    private final LogWriter writer;
    private final StringBuilder lines = new StringBuilder(FLUSH_AT + 1024);

    AccessLog(LogWriter writer) {
        this.writer = writer;
    }

    /** {@code client connected: 127.0.0.1:41000}, step 1's line, once per accepted connection (--log-connections on). */
    void connected(String remoteAddress) {
        lines.append("client connected: ").append(remoteAddress).append('\n');
        flushIfFull();
    }

    /**
     * One request. {@code userAgent} and {@code forwardedFor} may be null (then left out);
     * {@code durationNanos} runs from the request's first byte to its response queued for writing.
     */
    void request(String remoteAddress, String method, String target, String version, int status, long bytes,
                 long durationNanos, String userAgent, String forwardedFor) {
        lines.append("{\"time\":\"");
        DateTimeFormatter.ISO_INSTANT.formatTo(Instant.now(), lines);
        lines.append("\",\"peer\":");
        string(remoteAddress);
        lines.append(",\"method\":");
        string(method);
        lines.append(",\"target\":");
        string(target);
        lines.append(",\"version\":");
        string(version);
        lines.append(",\"status\":").append(status)
                .append(",\"bytes\":").append(bytes)
                .append(",\"duration_us\":").append(durationNanos / 1_000);
        if (userAgent != null) {
            lines.append(",\"user_agent\":");
            string(userAgent);
        }
        if (forwardedFor != null) {
            lines.append(",\"x_forwarded_for\":");
            string(forwardedFor);
        }
        lines.append("}\n");
        flushIfFull();
    }

    /** A JSON string: quotes, backslashes and every byte outside printable ASCII escaped, long values cut. */
    private void string(String value) {
        lines.append('"');
        int end = Math.min(value.length(), MAX_FIELD);
        for (int i = 0; i < end; i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\') {
                lines.append('\\').append(c);
            } else if (c < 0x20 || c > 0x7e) {
                lines.append("\\u").append(String.format("%04x", (int) c)); // rare: the parser allows visible ASCII in targets
            } else {
                lines.append(c);
            }
        }
        if (value.length() > MAX_FIELD) {
            lines.append("...");
        }
        lines.append('"');
    }

    private void flushIfFull() {
        if (lines.length() >= FLUSH_AT) {
            flush();
        }
    }

    /** Hands what this turn collected to the writer thread (never blocks). */
    void flush() {
        if (!lines.isEmpty()) {
            writer.offer(lines.toString());
            lines.setLength(0);
        }
    }
}
