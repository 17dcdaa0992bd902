package dev.httpfromscratch.testkit;

import dev.httpfromscratch.common.Server;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.function.Function;
import org.opentest4j.AssertionFailedError;

/**
 * A step's server started in-process for one test: on an ephemeral port (0 = the kernel picks
 * one, so modules and tests run side by side), with its console captured.
 *
 * <pre>{@code
 * try (RunningServer server = RunningServer.start(console -> new AcceptLoop(0, 10, console))) {
 *     try (RawConnection client = server.connect()) { ... }
 *     server.console().awaitLines("client connected", 1, Duration.ofSeconds(10));
 * }
 * }</pre>
 */
public final class RunningServer implements AutoCloseable {
    private final Server server;
    private final Console console;

    private RunningServer(Server server, Console console) {
        this.server = server;
        this.console = console;
    }

    /**
     * Builds the server with a captured console and starts it. A server that cannot start (for a
     * student: a method still throwing its "not written yet" stub) fails the test with that reason.
     */
    public static RunningServer start(Function<PrintStream, ? extends Server> factory) {
        Console console = new Console();
        Server server = factory.apply(console.printStream());
        try {
            server.start();
        } catch (IOException cannotBind) {
            server.close();
            throw new UncheckedIOException("the server could not bind its port: " + cannotBind.getMessage(), cannotBind);
        } catch (UnsupportedOperationException notWrittenYet) {
            server.close();
            throw new AssertionFailedError("The server could not start: " + notWrittenYet.getMessage(), notWrittenYet);
        }
        return new RunningServer(server, console);
    }

    public int port() {
        return server.port();
    }

    public Console console() {
        return console;
    }

    public Server server() {
        return server;
    }

    /** Opens a raw TCP connection to the server on 127.0.0.1. */
    public RawConnection connect() {
        return RawConnection.open(port());
    }

    @Override
    public void close() {
        console.release(); // a held console must not keep the server's threads from ending
        server.close();
    }
}
