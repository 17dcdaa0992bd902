package dev.httpfromscratch.server;

import dev.httpfromscratch.common.CommandLine;
import dev.httpfromscratch.common.ServerMain;
import dev.httpfromscratch.common.UsageException;
import dev.httpfromscratch.step3.ParserLimits;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Runs the final server: {@code mvn -q -pl final-server -Drun=final-server -DskipTests package exec:exec}, or
 * {@code java -jar final-server/target/final-server.jar --port 8000}. Every flag can also be set
 * by the environment variable named in {@code --help} (a container sets PORT, EVENT_LOOPS, ...).
 * SIGTERM and Ctrl-C shut it down gracefully (ServerMain's shutdown hook calls close()).
 */
public final class Main {
    /** The exit code of a process whose server failed while running (EX_SOFTWARE in sysexits.h). */
    static final int EXIT_FATAL = 70;

    private Main() {}

    public static void main(String[] args) {
        ServerMain.main(args, commandLine(), new ServerMain.ServerFactory() {
            @Override
            public FinalServer create(CommandLine.Options options, PrintStream console) throws UsageException {
                return Main.create(options, console);
            }

            @Override
            public FinalServer create(CommandLine.Options options, PrintStream out, PrintStream err) throws UsageException {
                return Main.create(options, out, err); // access log on stdout, the rest on stderr
            }
        });
    }

    static CommandLine commandLine() {
        return commandLine(System::getenv);
    }

    /** @param environment stands in for System.getenv in tests */
    static CommandLine commandLine(java.util.function.Function<String, String> environment) {
        ServerConfig defaults = ServerConfig.defaults();
        ParserLimits limits = defaults.parserLimits();
        return new CommandLine("final-server",
                "The final server of HTTP from Scratch: HTTP/1.1 on N event loops, GET / and POST /api as step 3,\n"
                        + "GET /metrics (Prometheus), GET /live, /ready and /health, limits, timeouts and a graceful shutdown.", environment)
                .portFlag()
                .flag("event-loops", "N", "event-loop threads (0 = one per processor: " + defaults.eventLoops() + " here)", "0", "EVENT_LOOPS")
                .flag("max-connections", "N", "open connections at most; beyond: 503 and close", String.valueOf(defaults.maxConnections()), "MAX_CONNECTIONS")
                .flag("backlog", "N", "connections the kernel queues before accept()", String.valueOf(defaults.backlog()), "BACKLOG")
                .flag("max-request-line-bytes", "N", "longest request line (414 beyond)", String.valueOf(limits.maxRequestLineBytes()), "MAX_REQUEST_LINE_BYTES")
                .flag("max-header-bytes", "N", "largest header section (431 beyond)", String.valueOf(limits.maxHeaderSectionBytes()), "MAX_HEADER_BYTES")
                .flag("max-header-count", "N", "most header fields (431 beyond)", String.valueOf(limits.maxHeaderCount()), "MAX_HEADER_COUNT")
                .flag("max-body-bytes", "N", "largest request body (413 beyond)", String.valueOf(limits.maxBodyBytes()), "MAX_BODY_BYTES")
                .flag("body-budget-bytes", "N", "heap all bodies being read may hold together; beyond: 503 and close (0 = a quarter of the max heap: "
                        + defaults.bodyBudgetBytes() + " here)", "0", "BODY_BUDGET_BYTES")
                .flag("header-timeout-ms", "MS", "deadline for a request's header section, from its first byte", millis(defaults.headerTimeout()), "HEADER_TIMEOUT_MS")
                .flag("body-timeout-ms", "MS", "deadline for a request's body, from the end of its head", millis(defaults.bodyTimeout()), "BODY_TIMEOUT_MS")
                .flag("idle-timeout-ms", "MS", "how long a keep-alive connection may wait for its next request", millis(defaults.idleTimeout()), "IDLE_TIMEOUT_MS")
                .flag("write-timeout-ms", "MS", "how long a response may wait for a client that does not read", millis(defaults.writeTimeout()), "WRITE_TIMEOUT_MS")
                .flag("shutdown-timeout-ms", "MS", "how long a shutdown lets requests in flight finish", millis(defaults.shutdownTimeout()), "SHUTDOWN_TIMEOUT_MS")
                .flag("drain-delay-ms", "MS", "after SIGTERM: how long /ready answers 503 while the port still accepts", millis(RunOptions.DEFAULT_DRAIN_DELAY), "DRAIN_DELAY_MS")
                .flag("bind", "ADDRESS", "the local address to listen on (0.0.0.0, ::, 127.0.0.1, ...; default: every address)", "*", "BIND")
                .flag("access-log", "on|off", "one JSON line per request on standard output", "on", "ACCESS_LOG")
                .flag("log-connections", "on|off", "step 1's 'client connected' line per connection, in the access log", "off", "LOG_CONNECTIONS")
                .flag("files-dir", "DIR", "serve GET/HEAD /files/..., store POST /files/NAME, and answer /echo/... and /user-agent (docs/08-files.md); "
                        + "empty: off", "", "FILES_DIR");
    }

    /** The flags that are not limits: bind address, drain delay, connection lines (the command line's drain delay is not zero). */
    static RunOptions runOptions(CommandLine.Options options) throws UsageException {
        String bind = options.string("bind");
        InetAddress address = null;
        if (!bind.equals("*")) {
            boolean literal = bind.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}") || bind.matches("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*(%[A-Za-z0-9]+)?");
            if (!literal) {
                throw new UsageException("--bind needs a numeric IPv4 or IPv6 address (127.0.0.1, ::1, 0.0.0.0), not \"" + bind + "\"");
            }
            try {
                address = InetAddress.getByName(bind); // a literal: no DNS lookup
            } catch (UnknownHostException notAnAddress) {
                throw new UsageException("--bind needs a numeric IPv4 or IPv6 address (127.0.0.1, ::1, 0.0.0.0), not \"" + bind + "\"");
            }
        }
        String filesDir = options.string("files-dir");
        Path files = null;
        if (!filesDir.isEmpty()) {
            files = Path.of(filesDir);
            if (!Files.isDirectory(files)) {
                throw new UsageException("--files-dir needs an existing directory, not \"" + filesDir + "\"");
            }
        }
        return RunOptions.defaults().withBindAddress(address).withFilesDir(files)
                .withDrainDelay(Duration.ofMillis(options.number("drain-delay-ms", 0, 3_600_000L)))
                .withLogConnections(options.choice("log-connections", "on", "off").equals("on"));
    }

    static FinalServer create(CommandLine.Options options, PrintStream console) throws UsageException {
        return create(options, console, console);
    }

    /** The access log on {@code out}, lifecycle and errors on {@code err}; a fatal failure ends the process. */
    static FinalServer create(CommandLine.Options options, PrintStream out, PrintStream err) throws UsageException {
        FinalServer server = new FinalServer(config(options), runOptions(options), out, err);
        server.onFatal(Main::die);
        return server;
    }

    /**
     * A server that accepts clients it cannot answer is worse than no server: a supervisor
     * (systemd, Docker's restart policy, Kubernetes) restarts a process that exits, never one that
     * hangs. halt(), not exit(): the shutdown hook's graceful drain would wait on the dead loop,
     * and after an OutOfMemoryError nothing else should run (docs/05-final-server.md, "When the process must die").
     */
    private static void die(String line) {
        System.out.flush();
        System.err.println(line);
        System.err.flush();
        Runtime.getRuntime().halt(EXIT_FATAL);
    }

    static ServerConfig config(CommandLine.Options options) throws UsageException {
        int eventLoops = options.integer("event-loops", 0, 1024);
        long bodyBudget = options.number("body-budget-bytes", 0, Long.MAX_VALUE);
        ParserLimits limits = new ParserLimits(
                options.integer("max-request-line-bytes", 16, 1 << 20),
                options.integer("max-header-bytes", 64, 1 << 24),
                options.integer("max-header-count", 1, 10_000),
                options.integer("max-body-bytes", 0, Integer.MAX_VALUE - 64));
        return ServerConfig.builder()
                .port(options.port())
                .eventLoops(eventLoops == 0 ? Runtime.getRuntime().availableProcessors() : eventLoops)
                .backlog(options.integer("backlog", 1, 65_535))
                .maxConnections(options.integer("max-connections", 1, 1_000_000))
                .parserLimits(limits)
                .headerTimeout(duration(options, "header-timeout-ms"))
                .bodyTimeout(duration(options, "body-timeout-ms"))
                .idleTimeout(duration(options, "idle-timeout-ms"))
                .writeTimeout(duration(options, "write-timeout-ms"))
                .shutdownTimeout(duration(options, "shutdown-timeout-ms"))
                .accessLog(options.choice("access-log", "on", "off").equals("on"))
                .bodyBudgetBytes(bodyBudget == 0 ? BodyBudget.defaultBytes() : bodyBudget)
                .build();
    }

    private static Duration duration(CommandLine.Options options, String name) throws UsageException {
        return Duration.ofMillis(options.number(name, 1, 86_400_000L));
    }

    private static String millis(Duration duration) {
        return String.valueOf(duration.toMillis());
    }
}
