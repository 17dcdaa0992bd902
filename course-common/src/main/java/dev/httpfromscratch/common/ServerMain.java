package dev.httpfromscratch.common;

import java.io.IOException;
import java.io.PrintStream;
import java.net.BindException;
import java.util.concurrent.CountDownLatch;

/**
 * The {@code main} of every server in the course: read the flags, start the server, print where
 * it listens, and close it on Ctrl-C (SIGINT) or SIGTERM.
 *
 * <p>Errors a user can fix end the program with one line and an exit code, never a stack trace:
 * 2 for a command line that cannot be understood, 1 for a server that cannot start (most often:
 * the port is in use).
 */
public final class ServerMain {

    public static final int EXIT_CANNOT_START = 1;
    public static final int EXIT_USAGE = 2;

    /** Builds a step's server from its parsed flags; {@code console} is where it prints. */
    @FunctionalInterface
    public interface ServerFactory {
        Server create(CommandLine.Options options, PrintStream console) throws UsageException;

        /** For a server that keeps its own messages apart from its output (the final server: access log on
         *  {@code out}, lifecycle and errors on {@code err}); by default everything goes to {@code out}. */
        default Server create(CommandLine.Options options, PrintStream out, PrintStream err) throws UsageException {
            return create(options, out);
        }
    }

    private ServerMain() {}

    /** Runs the server until the JVM is asked to stop; exits with a non-zero code on failure. */
    public static void main(String[] args, CommandLine commandLine, ServerFactory factory) {
        CountDownLatch stopped = new CountDownLatch(1);
        int exitCode = start(args, commandLine, factory, System.out, System.err, stopped);
        if (exitCode >= 0) {
            System.exit(exitCode);
        }
        exitZeroOnStopSignals();
        try {
            stopped.await(); // the shutdown hook closes the server; the JVM then exits
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * SIGTERM (docker stop, kubectl delete, systemctl stop) and SIGINT (Ctrl-C) ask for a stop, and a
     * graceful stop is a success: exit 0. The JVM's own handler exits with 128 + the signal number
     * (143, 130) after the shutdown hooks, which supervisors report as a failure. System.exit(0)
     * runs the same shutdown hook (the graceful close()) and then exits 0; any other way the JVM
     * ends keeps its own code.
     */
    private static void exitZeroOnStopSignals() {
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(name), signal -> System.exit(0));
            } catch (IllegalArgumentException unavailable) {
                // the JVM was started with -Xrs, or the signal is in use: its default handling stays
            }
        }
    }

    /**
     * Starts a server as {@code main} would, without ending the JVM: returns the exit code when the
     * program should end now ({@code --help}, a usage error, a port in use), or -1 when the server
     * is running and a shutdown hook will close it.
     */
    public static int start(String[] args, CommandLine commandLine, ServerFactory factory,
                            PrintStream out, PrintStream err, CountDownLatch stopped) {
        String program = commandLine.program();
        Server server;
        int requestedPort;
        try {
            CommandLine.Options options = commandLine.parse(args);
            if (options.helpRequested()) {
                out.print(commandLine.help());
                return 0;
            }
            requestedPort = options.port();
            server = factory.create(options, out, err);
        } catch (UsageException usage) {
            err.println(program + ": " + usage.getMessage());
            return EXIT_USAGE;
        }
        try {
            server.start();
        } catch (BindException inUse) {
            err.println(program + ": port " + requestedPort + " is already in use (" + inUse.getMessage()
                    + "). Stop the program holding it (ss -ltnp 'sport = :" + requestedPort
                    + "' shows which) or start with --port N.");
            return EXIT_CANNOT_START;
        } catch (IOException | RuntimeException cannotStart) {
            err.println(program + ": cannot start: " + cannotStart);
            server.close();
            return EXIT_CANNOT_START;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            err.println(program + ": shutting down, closing port " + server.port());
            server.close();
            stopped.countDown();
        }, program + "-shutdown"));
        // Lifecycle lines go to standard error: standard output stays for what the server itself
        // prints (the final server's access log), which a log shipper may parse line by line.
        err.println(program + " listening on port " + server.port() + " (Ctrl-C stops it)");
        return -1;
    }
}
