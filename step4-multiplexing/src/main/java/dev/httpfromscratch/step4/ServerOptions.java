package dev.httpfromscratch.step4;

import dev.httpfromscratch.step3.ParserLimits;
import java.time.Duration;

/**
 * Every bound of a step-4 server in one place (docs/04-multiplexing.md, "Limits"). Both servers
 * take the same options, so a test or a benchmark can swap one for the other.
 *
 * @param port           TCP port to bind; 0 lets the kernel pick a free one
 * @param backlog        length of the kernel's accept queue ({@code listen(fd, backlog)}); the kernel
 *                       caps it at {@code net.core.somaxconn}
 * @param maxConnections connections served at once; past it the server stops calling
 *                       {@code accept()} and new clients wait in the backlog
 * @param idleTimeout    how long a connection may stay silent (no byte read, none written) before
 *                       the server closes it: a bound on what a client that says nothing costs
 * @param limits         step 3's parser limits (request line, header section, body)
 * @param sendBufferBytes SO_SNDBUF of every accepted socket, or 0 to leave it to the kernel. Linux
 *                       grows a send buffer on its own (net.ipv4.tcp_wmem, up to 4 MiB), so on
 *                       loopback even a 1 MiB response usually fits in one write(); a fixed small
 *                       buffer makes partial writes happen as they do with a slow peer far away
 */
public record ServerOptions(int port, int backlog, int maxConnections, Duration idleTimeout, ParserLimits limits,
                            int sendBufferBytes) {

    public static final int DEFAULT_BACKLOG = 1024;
    public static final int DEFAULT_MAX_CONNECTIONS = 10_000;
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(10);

    public ServerOptions {
        if (backlog < 1 || maxConnections < 1) {
            throw new IllegalArgumentException("backlog and maxConnections must be at least 1");
        }
        if (sendBufferBytes < 0) {
            throw new IllegalArgumentException("sendBufferBytes must be 0 (the kernel's choice) or a size in bytes");
        }
        if (idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("an idle timeout of " + idleTimeout + " would let a silent client stay forever");
        }
    }

    /** Port {@code port} with every other option at its default. */
    public static ServerOptions defaults(int port) {
        return new ServerOptions(port, DEFAULT_BACKLOG, DEFAULT_MAX_CONNECTIONS, DEFAULT_IDLE_TIMEOUT, ParserLimits.DEFAULTS, 0);
    }

    public ServerOptions withIdleTimeout(Duration timeout) {
        return new ServerOptions(port, backlog, maxConnections, timeout, limits, sendBufferBytes);
    }

    public ServerOptions withMaxConnections(int connections) {
        return new ServerOptions(port, backlog, connections, idleTimeout, limits, sendBufferBytes);
    }

    public ServerOptions withSendBufferBytes(int bytes) {
        return new ServerOptions(port, backlog, maxConnections, idleTimeout, limits, bytes);
    }
}
