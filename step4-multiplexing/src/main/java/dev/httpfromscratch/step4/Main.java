package dev.httpfromscratch.step4;

import dev.httpfromscratch.common.CommandLine;
import dev.httpfromscratch.common.Server;
import dev.httpfromscratch.common.ServerMain;
import dev.httpfromscratch.common.UsageException;
import dev.httpfromscratch.step3.ParserLimits;
import java.io.PrintStream;
import java.time.Duration;

/**
 * Runs a step-4 server:
 * {@code java -jar step4-multiplexing/target/step4-multiplexing.jar --server selector --port 8000}
 * (or {@code --server virtual-threads}).
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        ServerMain.main(args, commandLine(), Main::create);
    }

    static CommandLine commandLine() {
        return new CommandLine("step4-multiplexing",
                "Step 4: serves GET /, POST /api and GET /large (1 MiB) with keep-alive and pipelining, "
                        + "on one Selector thread or on one virtual thread per connection.")
                .portFlag()
                .flag("server", "KIND", "selector (one event-loop thread) or virtual-threads (one per connection)",
                        ServerType.SELECTOR.flagValue(), "SERVER")
                .flag("idle-timeout", "MS", "close a connection after this many milliseconds without a byte in either direction",
                        String.valueOf(ServerOptions.DEFAULT_IDLE_TIMEOUT.toMillis()), "IDLE_TIMEOUT_MS")
                .flag("max-connections", "N", "connections served at once; more wait in the kernel's backlog",
                        String.valueOf(ServerOptions.DEFAULT_MAX_CONNECTIONS))
                .flag("send-buffer", "BYTES", "SO_SNDBUF of each connection; 0 lets the kernel grow it as it likes",
                        "0")
                .flag("backlog", "N", "connections the kernel may queue before accept() takes them (capped by net.core.somaxconn)",
                        String.valueOf(ServerOptions.DEFAULT_BACKLOG));
    }

    static Server create(CommandLine.Options options, PrintStream console) throws UsageException {
        ServerType type = ServerType.fromFlag(options.choice("server", ServerType.flagValues()));
        ServerOptions serverOptions = new ServerOptions(options.port(), options.integer("backlog", 1, 65_535),
                options.integer("max-connections", 1, 1_000_000),
                Duration.ofMillis(options.number("idle-timeout", 1, 86_400_000)), ParserLimits.DEFAULTS,
                options.integer("send-buffer", 0, 64 * 1024 * 1024));
        console.println("step4-multiplexing: " + type.flagValue() + " server, idle timeout "
                + serverOptions.idleTimeout().toMillis() + " ms, at most " + serverOptions.maxConnections() + " connections");
        return type.create(serverOptions, console);
    }
}
