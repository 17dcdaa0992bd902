package dev.httpfromscratch.server;

import dev.httpfromscratch.step3.ParserLimits;
import java.time.Duration;

/**
 * Every limit and timeout of the final server, in one place, with its default
 * (docs/05-final-server.md, "Limits and timeouts (every one, and why)"). Each bound answers one way a client can make the server
 * spend memory, file descriptors or time it did not agree to spend.
 *
 * @param port            TCP port; 0 lets the kernel pick one
 * @param eventLoops      event-loop threads; each owns its connections for their whole life
 * @param backlog         connections the kernel queues before the acceptor takes them (listen())
 * @param maxConnections  open connections at most; the next one gets 503 and is closed, the rest go on
 * @param parserLimits    request line, header section, header count and body sizes (step 3)
 * @param headerTimeout   from the first byte of a request to the end of its header section: a
 *                        deadline, not a silence timer, so a client trickling a byte a second is still cut off
 * @param bodyTimeout     from the end of the header section to the last byte of the body
 * @param idleTimeout     how long a keep-alive connection may wait for its next request
 * @param writeTimeout    how long a response may wait for a client that does not read it
 * @param shutdownTimeout how long close() lets requests in flight finish before it closes everything
 * @param accessLog       one line per request on the console
 * @param bodyBudgetBytes heap all request bodies being read may hold together; a request whose
 *                        body would cross it is refused with 503 ({@link BodyBudget})
 */
public record ServerConfig(int port, int eventLoops, int backlog, int maxConnections, ParserLimits parserLimits,
                           Duration headerTimeout, Duration bodyTimeout, Duration idleTimeout, Duration writeTimeout,
                           Duration shutdownTimeout, boolean accessLog, long bodyBudgetBytes) {

    public static final int DEFAULT_PORT = 8000;
    public static final int DEFAULT_BACKLOG = 1024;
    public static final int DEFAULT_MAX_CONNECTIONS = 10_000;
    public static final Duration DEFAULT_HEADER_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_BODY_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);
    public static final Duration DEFAULT_WRITE_TIMEOUT = Duration.ofSeconds(30);
    /** With the default drain delay (3 s) and close()'s margin (0.5 s): 8.5 s, inside docker stop's 10 s (docs/05, "Running it in production"). */
    public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(5);

    public ServerConfig {
        if (port < 0 || port > 65_535 || eventLoops < 1 || backlog < 1 || maxConnections < 1 || bodyBudgetBytes < 0) {
            throw new IllegalArgumentException("port, event loops, backlog, max connections or body budget out of range");
        }
        for (Duration timeout : new Duration[] {headerTimeout, bodyTimeout, idleTimeout, writeTimeout, shutdownTimeout}) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("every timeout must be positive: " + timeout);
            }
        }
    }

    /**
     * The defaults: port 8000, one event loop per processor, the limits of step 3, the timeouts
     * above, access log on, a body budget of a quarter of the maximum heap.
     */
    public static ServerConfig defaults() {
        return builder().build();
    }

    /** A builder holding {@link #defaults()}: set what differs, then {@link Builder#build()}. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this configuration, to change a few fields of it. */
    public Builder toBuilder() {
        return new Builder().port(port).eventLoops(eventLoops).backlog(backlog).maxConnections(maxConnections)
                .parserLimits(parserLimits).headerTimeout(headerTimeout).bodyTimeout(bodyTimeout).idleTimeout(idleTimeout)
                .writeTimeout(writeTimeout).shutdownTimeout(shutdownTimeout).accessLog(accessLog).bodyBudgetBytes(bodyBudgetBytes);
    }

    // One field changed: the common case in tests (ServerConfig.defaults().withPort(0)).
    public ServerConfig withPort(int value) { return toBuilder().port(value).build(); }
    public ServerConfig withEventLoops(int value) { return toBuilder().eventLoops(value).build(); }
    public ServerConfig withMaxConnections(int value) { return toBuilder().maxConnections(value).build(); }
    public ServerConfig withParserLimits(ParserLimits value) { return toBuilder().parserLimits(value).build(); }
    public ServerConfig withHeaderTimeout(Duration value) { return toBuilder().headerTimeout(value).build(); }
    public ServerConfig withBodyTimeout(Duration value) { return toBuilder().bodyTimeout(value).build(); }
    public ServerConfig withIdleTimeout(Duration value) { return toBuilder().idleTimeout(value).build(); }
    public ServerConfig withWriteTimeout(Duration value) { return toBuilder().writeTimeout(value).build(); }
    public ServerConfig withShutdownTimeout(Duration value) { return toBuilder().shutdownTimeout(value).build(); }
    public ServerConfig withAccessLog(boolean value) { return toBuilder().accessLog(value).build(); }
    public ServerConfig withBodyBudgetBytes(long value) { return toBuilder().bodyBudgetBytes(value).build(); }

    /** The one place that lists every field with its default; {@link #build()} checks the ranges. */
    public static final class Builder {
        private int port = DEFAULT_PORT;
        private int eventLoops = Runtime.getRuntime().availableProcessors();
        private int backlog = DEFAULT_BACKLOG;
        private int maxConnections = DEFAULT_MAX_CONNECTIONS;
        private ParserLimits parserLimits = ParserLimits.DEFAULTS;
        private Duration headerTimeout = DEFAULT_HEADER_TIMEOUT;
        private Duration bodyTimeout = DEFAULT_BODY_TIMEOUT;
        private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
        private Duration writeTimeout = DEFAULT_WRITE_TIMEOUT;
        private Duration shutdownTimeout = DEFAULT_SHUTDOWN_TIMEOUT;
        private boolean accessLog = true;
        private long bodyBudgetBytes = BodyBudget.defaultBytes();

        private Builder() {}

        public Builder port(int value) { port = value; return this; }
        public Builder eventLoops(int value) { eventLoops = value; return this; }
        public Builder backlog(int value) { backlog = value; return this; }
        public Builder maxConnections(int value) { maxConnections = value; return this; }
        public Builder parserLimits(ParserLimits value) { parserLimits = value; return this; }
        public Builder headerTimeout(Duration value) { headerTimeout = value; return this; }
        public Builder bodyTimeout(Duration value) { bodyTimeout = value; return this; }
        public Builder idleTimeout(Duration value) { idleTimeout = value; return this; }
        public Builder writeTimeout(Duration value) { writeTimeout = value; return this; }
        public Builder shutdownTimeout(Duration value) { shutdownTimeout = value; return this; }
        public Builder accessLog(boolean value) { accessLog = value; return this; }
        public Builder bodyBudgetBytes(long value) { bodyBudgetBytes = value; return this; }

        public ServerConfig build() {
            return new ServerConfig(port, eventLoops, backlog, maxConnections, parserLimits, headerTimeout, bodyTimeout,
                    idleTimeout, writeTimeout, shutdownTimeout, accessLog, bodyBudgetBytes);
        }
    }

    /** The shortest timeout: the event loops look for expired connections at least twice as often. */
    Duration shortestTimeout() {
        Duration shortest = headerTimeout;
        for (Duration timeout : new Duration[] {bodyTimeout, idleTimeout, writeTimeout}) {
            if (timeout.compareTo(shortest) < 0) {
                shortest = timeout;
            }
        }
        return shortest;
    }

    /** The configuration in one line, for the log line at start. */
    public String describe() {
        ParserLimits limits = parserLimits;
        return eventLoops + " event loops, max " + maxConnections + " connections, backlog " + backlog
                + "; limits: request line " + limits.maxRequestLineBytes() + " B, header section " + limits.maxHeaderSectionBytes()
                + " B, " + limits.maxHeaderCount() + " fields, body " + limits.maxBodyBytes() + " B, bodies together " + bodyBudgetBytes + " B"
                + "; timeouts: header " + millis(headerTimeout) + ", body " + millis(bodyTimeout) + ", idle " + millis(idleTimeout)
                + ", write " + millis(writeTimeout) + ", shutdown " + millis(shutdownTimeout)
                + "; access log " + (accessLog ? "on" : "off");
    }

    private static String millis(Duration duration) {
        return duration.toMillis() + " ms";
    }
}
