package dev.httpfromscratch.step2;

import dev.httpfromscratch.common.CommandLine;
import dev.httpfromscratch.common.ServerMain;
import dev.httpfromscratch.common.UsageException;
import java.io.PrintStream;

/**
 * Runs the step-2 server:
 * {@code java -jar step2-io/target/step2-io.jar --port 8000 --threads per-connection}.
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        ServerMain.main(args, commandLine(), Main::create);
    }

    static CommandLine commandLine() {
        return new CommandLine("step2-io",
                "Step 2: reads each request's raw bytes, prints them with \\r and \\n visible, and answers "
                        + "with one fixed HTTP/1.1 200 OK.")
                .portFlag()
                .flag("backlog", "N", "connections the kernel may queue before accept() takes them", "10")
                .flag("threads", "MODE", "who serves a connection: single (the accept thread), per-connection "
                        + "(a new platform thread each), virtual (a new virtual thread each)", "single", "THREADS")
                .flag("read-timeout", "MS", "drop a client after this many milliseconds without a byte (SO_TIMEOUT)",
                        "10000", "READ_TIMEOUT_MS")
                .flag("max-connections", "N", "connections served at the same time, at most; more wait in the backlog",
                        "100");
    }

    static BlockingServer create(CommandLine.Options options, PrintStream console) throws UsageException {
        ThreadingMode mode = ThreadingMode.fromFlag(options.choice("threads", ThreadingMode.flagValues()));
        return new BlockingServer(options.port(), options.integer("backlog", 1, 65_535), mode,
                options.integer("max-connections", 1, 100_000),
                options.integer("read-timeout", 1, 3_600_000), console);
    }
}
