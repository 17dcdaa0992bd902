package dev.httpfromscratch.step3;

import dev.httpfromscratch.common.CommandLine;
import dev.httpfromscratch.common.ServerMain;
import dev.httpfromscratch.common.UsageException;
import java.io.PrintStream;
import java.time.Duration;

/** Runs the step-3 server: {@code java -jar step3-parsing/target/step3-parsing.jar --port 8000}. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        ServerMain.main(args, commandLine(), Main::create);
    }

    static CommandLine commandLine() {
        return new CommandLine("step3-parsing",
                "Step 3: parses HTTP/1.1 requests and answers GET / and POST /api (JSON), one request per connection.")
                .portFlag()
                .flag("backlog", "N", "connections the kernel may queue before accept() takes them", "50")
                .flag("read-timeout", "MS", "how many milliseconds a client may stay silent in the middle of a request (then 408)", "10000")
                .flag("max-connections", "N", "connections served at once; more get 503", "1000")
                .flag("max-body-bytes", "N", "largest request body; a larger Content-Length gets 413", String.valueOf(ParserLimits.DEFAULTS.maxBodyBytes()));
    }

    static BlockingServer create(CommandLine.Options options, PrintStream console) throws UsageException {
        ParserLimits limits = ParserLimits.DEFAULTS.withMaxBodyBytes(options.integer("max-body-bytes", 0, 256 * 1024 * 1024));
        BlockingServer.Settings settings = new BlockingServer.Settings(options.port(), options.integer("backlog", 1, 65_535),
                limits, Duration.ofMillis(options.integer("read-timeout", 1, 3_600_000)), options.integer("max-connections", 1, 100_000));
        return new BlockingServer(settings, Routes.step3(), console);
    }
}
