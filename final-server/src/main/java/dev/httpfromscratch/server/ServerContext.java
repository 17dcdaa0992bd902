package dev.httpfromscratch.server;

import dev.httpfromscratch.step3.ResponseWriter;
import java.io.PrintStream;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * What the acceptor and every event loop of one server share: all of it is either immutable
 * after start (config, routes, writer), thread-safe by design (metrics, the console, the
 * connection count), or a single volatile flag (draining). Nothing here is locked per request.
 */
final class ServerContext {
    final ServerConfig config;
    final RunOptions options;
    final RouteTable routes;
    final ResponseWriter writer;
    final ServerMetrics metrics;
    final PrintStream console;
    /** Where the event loops hand their access log lines: a queue, never a stream (LogWriter). */
    final LogWriter accessLog;
    /** Open connections: the acceptor adds one per accept, an event loop takes one away per close. */
    final AtomicInteger openConnections = new AtomicInteger();
    /** Set once by close(): new responses say Connection: close, /ready and /health answer 503. */
    volatile boolean draining;
    /** The heap the bodies being read hold together (config.bodyBudgetBytes()). */
    final BodyBudget bodyBudget;
    /** What a failure of the process does once it is reported (see {@link #fatal}); Main exits. */
    volatile Consumer<String> onFatal;
    private final AtomicBoolean failed = new AtomicBoolean();

    ServerContext(ServerConfig config, RunOptions options, RouteTable routes, ResponseWriter writer, ServerMetrics metrics,
                  PrintStream console, LogWriter accessLog) {
        this.config = config;
        this.options = options;
        this.routes = routes;
        this.writer = writer;
        this.metrics = metrics;
        this.console = console;
        this.accessLog = accessLog;
        this.bodyBudget = new BodyBudget(config.bodyBudgetBytes());
        this.onFatal = console::println;
    }

    /**
     * A failure that is the process's, not one connection's: an event loop or the acceptor died
     * (an OutOfMemoryError, another Error, a selector that fails). The server can no longer serve
     * every client it accepts, so it must not look healthy: /health answers 503 and the acceptor
     * refuses new connections with 503 from now on (a draining server still serves them), and {@link #onFatal} gets
     * one line. Main's {@code onFatal} prints it on stderr and ends the process with a non-zero
     * code, so that systemd, Docker or Kubernetes start a fresh one (docs/05-final-server.md,
     * "When the process must die"). Reported once; later failures add nothing.
     */
    void fatal(String what, Throwable cause) {
        if (!failed.compareAndSet(false, true)) {
            return;
        }
        draining = true;
        onFatal.accept("final-server: fatal: " + what + ": " + cause + "; the server cannot serve every client it accepts and stops");
    }

    boolean failed() {
        return failed.get();
    }
}
