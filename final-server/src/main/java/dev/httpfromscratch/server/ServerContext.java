package dev.httpfromscratch.server;

import dev.httpfromscratch.step3.ResponseWriter;
import dev.httpfromscratch.step3.Router;
import java.io.PrintStream;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the acceptor and every event loop of one server share: all of it is either immutable
 * after start (config, router, writer), thread-safe by design (metrics, the console, the
 * connection count), or a single volatile flag (draining). Nothing here is locked per request.
 */
final class ServerContext {
    final ServerConfig config;
    final RunOptions options;
    final Router router;
    final ResponseWriter writer;
    final ServerMetrics metrics;
    final PrintStream console;
    /** Where the event loops hand their access log lines: a queue, never a stream (LogWriter). */
    final LogWriter accessLog;
    /** Open connections: the acceptor adds one per accept, an event loop takes one away per close. */
    final AtomicInteger openConnections = new AtomicInteger();
    /** Set once by close(): new responses say Connection: close, /ready and /health answer 503. */
    volatile boolean draining;

    ServerContext(ServerConfig config, RunOptions options, Router router, ResponseWriter writer, ServerMetrics metrics,
                  PrintStream console, LogWriter accessLog) {
        this.config = config;
        this.options = options;
        this.router = router;
        this.writer = writer;
        this.metrics = metrics;
        this.console = console;
        this.accessLog = accessLog;
    }
}
