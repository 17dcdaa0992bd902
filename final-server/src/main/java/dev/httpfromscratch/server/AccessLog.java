package dev.httpfromscratch.server;

import java.io.PrintStream;

/**
 * One event loop's access log: a line per connection and per request, collected in memory during a loop turn and
 * printed once at its end.
 *
 * <p>Printing each line at once would cost a write() system call per request on the loop's
 * thread, and a lock on the shared console that every loop would fight over. One print per turn
 * costs one of each for all the requests of that turn. Turn it off (--access-log off) for a
 * benchmark, or when a proxy in front already logs every request.
 */
final class AccessLog {
    private static final int FLUSH_AT = 32 * 1024;

    private final PrintStream console;
    private final StringBuilder lines = new StringBuilder(FLUSH_AT + 1024);

    AccessLog(PrintStream console) {
        this.console = console;
    }

    /** {@code client connected: 127.0.0.1:41000}, once per accepted connection. */
    void connected(String remoteAddress) {
        lines.append("client connected: ").append(remoteAddress).append('\n');
        if (lines.length() >= FLUSH_AT) {
            flush();
        }
    }

    /** {@code 127.0.0.1:41000 "GET / HTTP/1.1" 200}; the target is visible ASCII (the parser allows nothing else). */
    void request(String remoteAddress, String method, String target, String version, int status) {
        lines.append(remoteAddress).append(" \"").append(method).append(' ');
        if (target.length() > 200) {
            lines.append(target, 0, 200).append("...");
        } else {
            lines.append(target);
        }
        lines.append(' ').append(version).append("\" ").append(status).append('\n');
        if (lines.length() >= FLUSH_AT) {
            flush();
        }
    }

    /** Prints what this turn collected. */
    void flush() {
        if (!lines.isEmpty()) {
            console.print(lines);
            console.flush();
            lines.setLength(0);
        }
    }
}
