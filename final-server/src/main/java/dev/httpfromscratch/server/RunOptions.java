package dev.httpfromscratch.server;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;

/**
 * How the final server meets the machinery around it in production (docs/05-final-server.md,
 * "Running it in production"): which address it binds, how long it keeps serving after a stop
 * was asked for (so load balancers see it turn not-ready before its port closes), and what it logs.
 *
 * @param bindAddress    the local address to listen on; null listens on every address (0.0.0.0 and ::)
 * @param drainDelay     after close() (SIGTERM) is asked for: how long the server answers /ready with 503 and
 *                       every response with Connection: close while still accepting, before it closes its port.
 *                       Zero closes the port at once (what tests and a developer's Ctrl-C want).
 * @param logConnections step 1's "client connected" line per accepted connection, in the access log
 * @param metricsMaxAge  how old the rendered /metrics may be before a scrape renders it again: however
 *                       often /metrics is requested, the registry is rendered at most once per this interval
 * @param filesDir       the directory GET /files/... serves and POST /files/... writes to (docs/08-files.md);
 *                       null (the default) leaves the file routes out: they answer 404
 * @param sendBufferBytes SO_SNDBUF of every accepted connection (nginx's {@code listen ... sndbuf=}); 0 (the
 *                       default) leaves it to the kernel's autotuning (net.ipv4.tcp_wmem). A small one makes
 *                       every large write partial, which is how the tests of docs/08-files.md prove a
 *                       transfer resumes where the socket stopped taking bytes
 */
public record RunOptions(InetAddress bindAddress, Duration drainDelay, boolean logConnections, Duration metricsMaxAge, Path filesDir,
                         int sendBufferBytes) {

    /** The command line's default drain delay; docs/05-final-server.md gives the grace-period arithmetic. */
    public static final Duration DEFAULT_DRAIN_DELAY = Duration.ofSeconds(3);
    public static final Duration DEFAULT_METRICS_MAX_AGE = Duration.ofSeconds(1);

    public RunOptions {
        if (drainDelay.isNegative() || metricsMaxAge.isNegative() || sendBufferBytes < 0) {
            throw new IllegalArgumentException("the drain delay, the metrics age and the send buffer cannot be negative");
        }
    }

    /** In-process defaults: every address, no drain delay, no connection lines, /metrics at most one second old. */
    public static RunOptions defaults() {
        return new Builder().build();
    }

    /** A builder holding this value, to change a few fields of it (as {@link ServerConfig#toBuilder()}). */
    public Builder toBuilder() {
        return new Builder().bindAddress(bindAddress).drainDelay(drainDelay).logConnections(logConnections)
                .metricsMaxAge(metricsMaxAge).filesDir(filesDir).sendBufferBytes(sendBufferBytes);
    }

    public RunOptions withDrainDelay(Duration value) { return toBuilder().drainDelay(value).build(); }
    public RunOptions withBindAddress(InetAddress value) { return toBuilder().bindAddress(value).build(); }
    public RunOptions withLogConnections(boolean value) { return toBuilder().logConnections(value).build(); }
    public RunOptions withMetricsMaxAge(Duration value) { return toBuilder().metricsMaxAge(value).build(); }
    public RunOptions withFilesDir(Path value) { return toBuilder().filesDir(value).build(); }
    public RunOptions withSendBufferBytes(int value) { return toBuilder().sendBufferBytes(value).build(); }

    /** The one place that lists every field with its default; the record's constructor checks the ranges. */
    public static final class Builder {
        private InetAddress bindAddress;
        private Duration drainDelay = Duration.ZERO;
        private boolean logConnections;
        private Duration metricsMaxAge = DEFAULT_METRICS_MAX_AGE;
        private Path filesDir;
        private int sendBufferBytes;

        private Builder() {}

        public Builder bindAddress(InetAddress value) { bindAddress = value; return this; }
        public Builder drainDelay(Duration value) { drainDelay = value; return this; }
        public Builder logConnections(boolean value) { logConnections = value; return this; }
        public Builder metricsMaxAge(Duration value) { metricsMaxAge = value; return this; }
        public Builder filesDir(Path value) { filesDir = value; return this; }
        public Builder sendBufferBytes(int value) { sendBufferBytes = value; return this; }

        public RunOptions build() {
            return new RunOptions(bindAddress, drainDelay, logConnections, metricsMaxAge, filesDir, sendBufferBytes);
        }
    }

    /** For the log line at start. */
    String describe() {
        return "bind " + (bindAddress == null ? "all addresses" : bindAddress.getHostAddress()) + ", drain delay "
                + drainDelay.toMillis() + " ms, /metrics rendered at most every " + metricsMaxAge.toMillis() + " ms"
                + (filesDir == null ? "" : ", files from " + filesDir) + (sendBufferBytes == 0 ? "" : ", send buffer " + sendBufferBytes + " B");
    }
}
