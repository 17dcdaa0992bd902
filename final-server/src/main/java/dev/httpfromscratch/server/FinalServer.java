package dev.httpfromscratch.server;

import dev.httpfromscratch.common.Server;
import dev.httpfromscratch.step3.HttpRequest;
import dev.httpfromscratch.step3.ResponseWriter;
import dev.httpfromscratch.step3.Router;
import java.io.IOException;
import java.io.PrintStream;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * The final server: one {@link Acceptor} thread and N {@link EventLoop} threads, the parser and
 * routes of step 3, limits and timeouts from one {@link ServerConfig}, metrics in a registry of
 * its own, and a graceful {@link #close()} (docs/05-final-server.md).
 */
public final class FinalServer implements Server {
    /** close() waits for the event loops this long past the shutdown deadline (they close everything at the deadline). */
    static final long JOIN_MARGIN_MILLIS = 500;

    private final ServerConfig config;
    private final RunOptions options;
    private final LogWriter accessLogWriter;
    private final LogWriter consoleWriter;
    private final PrintStream console;
    private final ServerMetrics metrics = new ServerMetrics();
    private final ServerContext context;
    private EventLoop[] loops;
    private Acceptor acceptor;
    private boolean started;
    private boolean closed;

    /** A server that prints everything (access log, lifecycle, errors) on {@code console}, with {@link RunOptions#defaults()}. */
    public FinalServer(ServerConfig config, PrintStream console) {
        this(config, RunOptions.defaults(), console, console);
    }

    /**
     * @param out the access log (one JSON line per request)
     * @param err lifecycle and error messages
     */
    public FinalServer(ServerConfig config, RunOptions options, PrintStream out, PrintStream err) {
        this(config, options, out, err, UnaryOperator.identity());
    }

    /** @param extraRoutes lets a test add a route (a handler that never returns, for one) */
    FinalServer(ServerConfig config, RunOptions options, PrintStream out, PrintStream err, UnaryOperator<Router> extraRoutes) {
        this.config = config;
        this.options = options;
        this.accessLogWriter = new LogWriter("final-server-access-log", out);
        this.consoleWriter = new LogWriter("final-server-log", err);
        this.console = consoleWriter.printStream(); // a println() here queues: the event loops never wait for a reader
        metrics.describeServer(config.maxConnections(), () -> accessLogWriter.dropped() + consoleWriter.dropped());
        ResponseWriter writer = new ResponseWriter();
        PrintStream log = this.console;
        RouteTable routes = FinalRoutes.create(metrics, this::isDraining, options.metricsMaxAge(), options.filesDir());
        BiConsumer<HttpRequest, Exception> logFailure = (request, failure) ->
                log.println("final-server: handler failed for " + request.method() + " " + request.path() + ": " + failure);
        extraRoutes.apply(routes.router()).onHandlerFailure(logFailure);
        routes.onHandlerFailure(logFailure);
        this.context = new ServerContext(config, options, routes, writer, metrics, console, accessLogWriter);
    }

    private boolean isDraining() {
        return context.draining;
    }

    public ServerConfig config() {
        return config;
    }

    /**
     * What a failure of the process does (an event loop or the acceptor died): {@code action}
     * gets one line. By default the line goes to the console, and from then on new connections
     * get 503 and /health answers 503; Main prints the line on stderr and ends the process.
     */
    void onFatal(Consumer<String> action) {
        context.onFatal = action;
    }

    /** This server's metrics registry (a fresh one per server: tests never see each other's counts). */
    public ServerMetrics metrics() {
        return metrics;
    }

    @Override
    public synchronized void start() throws IOException {
        if (started) {
            throw new IllegalStateException("already started");
        }
        started = true;
        loops = new EventLoop[config.eventLoops()];
        try {
            for (int i = 0; i < loops.length; i++) {
                loops[i] = new EventLoop(i, context, context.routes.encodeConstants(context.writer));
            }
            acceptor = new Acceptor(context, loops); // binds: a BindException leaves here
        } catch (IOException | RuntimeException failed) {
            for (EventLoop loop : loops) {
                if (loop != null) {
                    loop.abandon(); // never started, so its run() will never close its selector
                }
            }
            close();
            throw failed;
        }
        for (EventLoop loop : loops) {
            loop.start();
        }
        acceptor.start();
        console.println("final-server: listening on port " + acceptor.port() + " with " + config.describe() + "; " + options.describe());
    }

    @Override
    public int port() {
        return acceptor.port();
    }

    /**
     * Graceful shutdown, in the order load balancers expect (docs/05-final-server.md, "Running it in
     * production"): turn not-ready (/ready and /health answer 503, every response says Connection:
     * close) while still accepting for {@link RunOptions#drainDelay()}, so that health checks and
     * endpoint lists stop sending new clients here before anyone is refused; then close the port
     * (new clients get ECONNREFUSED); then close idle keep-alive connections, let requests in
     * flight finish, and close whatever is left when {@link ServerConfig#shutdownTimeout()} has
     * passed. Returns at most {@link #JOIN_MARGIN_MILLIS} after that deadline, even if a handler
     * never returns.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        context.draining = true;
        metrics.draining();
        try {
            if (acceptor != null && !options.drainDelay().isZero()) {
                console.println("final-server: draining: /ready answers 503 and responses say Connection: close; the port closes in "
                        + options.drainDelay().toMillis() + " ms");
                Thread.sleep(options.drainDelay().toMillis());
            }
            if (acceptor != null) {
                acceptor.stop();
            }
            if (loops != null) {
                long deadline = System.nanoTime() + config.shutdownTimeout().toNanos();
                for (EventLoop loop : loops) {
                    if (loop != null) {
                        loop.beginDrain(deadline);
                    }
                }
                long giveUp = deadline + TimeUnit.MILLISECONDS.toNanos(JOIN_MARGIN_MILLIS);
                for (EventLoop loop : loops) {
                    long left = giveUp - System.nanoTime();
                    if (loop != null && left > 0) {
                        loop.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left))); // join(0) would wait forever
                    }
                }
                reportForcedCloses();
            }
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
        if (acceptor != null) {
            console.println("final-server: stopped");
        }
        consoleWriter.close(JOIN_MARGIN_MILLIS);
        accessLogWriter.close(JOIN_MARGIN_MILLIS);
    }

    /** One line for the connections the deadline cut off, and one for an event loop that did not stop. */
    private void reportForcedCloses() {
        long forced = 0;
        for (EventLoop loop : loops) {
            if (loop != null) {
                forced += loop.forcedCloses();
                if (loop.isAlive()) {
                    console.println("final-server: an event loop did not stop by the shutdown deadline (a handler that does not return?)");
                }
            }
        }
        if (forced > 0) {
            console.println("final-server: the shutdown deadline closed " + forced + " connection(s) with a request or response unfinished");
        }
    }
}
