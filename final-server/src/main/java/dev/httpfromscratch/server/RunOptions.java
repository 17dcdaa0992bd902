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
 */
public record RunOptions(InetAddress bindAddress, Duration drainDelay, boolean logConnections, Duration metricsMaxAge, Path filesDir) {

    /** The command line's default drain delay; docs/05-final-server.md gives the grace-period arithmetic. */
    public static final Duration DEFAULT_DRAIN_DELAY = Duration.ofSeconds(3);
    public static final Duration DEFAULT_METRICS_MAX_AGE = Duration.ofSeconds(1);

    public RunOptions {
        if (drainDelay.isNegative() || metricsMaxAge.isNegative()) {
            throw new IllegalArgumentException("the drain delay and the metrics age cannot be negative");
        }
    }

    /** In-process defaults: every address, no drain delay, no connection lines, /metrics at most one second old. */
    public static RunOptions defaults() {
        return new RunOptions(null, Duration.ZERO, false, DEFAULT_METRICS_MAX_AGE, null);
    }

    public RunOptions withDrainDelay(Duration value) {
        return new RunOptions(bindAddress, value, logConnections, metricsMaxAge, filesDir);
    }

    public RunOptions withBindAddress(InetAddress value) {
        return new RunOptions(value, drainDelay, logConnections, metricsMaxAge, filesDir);
    }

    public RunOptions withLogConnections(boolean value) {
        return new RunOptions(bindAddress, drainDelay, value, metricsMaxAge, filesDir);
    }

    public RunOptions withMetricsMaxAge(Duration value) {
        return new RunOptions(bindAddress, drainDelay, logConnections, value, filesDir);
    }

    public RunOptions withFilesDir(Path value) {
        return new RunOptions(bindAddress, drainDelay, logConnections, metricsMaxAge, value);
    }

    /** For the log line at start. */
    String describe() {
        return "bind " + (bindAddress == null ? "all addresses" : bindAddress.getHostAddress()) + ", drain delay "
                + drainDelay.toMillis() + " ms, /metrics rendered at most every " + metricsMaxAge.toMillis() + " ms"
                + (filesDir == null ? "" : ", files from " + filesDir);
    }
}
