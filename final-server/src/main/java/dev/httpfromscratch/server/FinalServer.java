package dev.httpfromscratch.server;

import dev.httpfromscratch.common.Server;
import dev.httpfromscratch.step3.HttpHeaders;
import dev.httpfromscratch.step3.HttpRequest;
import dev.httpfromscratch.step3.HttpResponse;
import dev.httpfromscratch.step3.ResponseWriter;
import dev.httpfromscratch.step3.Router;
import java.io.IOException;
import java.io.PrintStream;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The final server: one {@link Acceptor} thread and N {@link EventLoop} threads, the parser and
 * routes of step 3, limits and timeouts from one {@link ServerConfig}, metrics in a registry of
 * its own, and a graceful {@link #close()} (docs/05-final-server.md).
 */
public final class FinalServer implements Server {
    private final ServerConfig config;
    private final PrintStream console;
    private final ServerMetrics metrics = new ServerMetrics();
    private final ServerContext context;
    private EventLoop[] loops;
    private Acceptor acceptor;
    private boolean started;
    private boolean closed;

    public FinalServer(ServerConfig config, PrintStream console) {
        this.config = config;
        this.console = console;
        ResponseWriter writer = new ResponseWriter();
        Router router = FinalRoutes.create(metrics, this::isDraining)
                .onHandlerFailure((request, failure) -> console.println("final-server: handler failed for "
                        + request.method() + " " + request.path() + ": " + failure));
        this.context = new ServerContext(config, router, writer, metrics, console);
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
        HttpResponse root = context.router.respond(new HttpRequest("GET", "/", "HTTP/1.1",
                new HttpHeaders().add("Host", "localhost"), new byte[0]));
        loops = new EventLoop[config.eventLoops()];
        try {
            for (int i = 0; i < loops.length; i++) {
                loops[i] = new EventLoop(i, context, new FixedResponses(context.writer, root, FinalRoutes.health()));
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
        console.println("final-server: listening on port " + acceptor.port() + " with " + config.describe());
    }

    @Override
    public int port() {
        return acceptor.port();
    }

    /**
     * Graceful shutdown: stop accepting (the listening socket closes, new clients get ECONNREFUSED),
     * close idle keep-alive connections, let requests in flight finish with Connection: close, and
     * close whatever is left when {@link ServerConfig#shutdownTimeout()} has passed.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        context.draining = true;
        try {
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
                for (EventLoop loop : loops) {
                    if (loop != null) {
                        loop.join(TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()) + 2_000);
                    }
                }
            }
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
        if (acceptor != null) {
            console.println("final-server: stopped");
        }
    }
}
