package dev.httpfromscratch.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.httpfromscratch.common.CommandLine;
import dev.httpfromscratch.common.ServerMain;
import dev.httpfromscratch.testkit.RunningServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Running it: flags, environment variables, --help, and errors a user can fix. */
@DisplayName("Final server: command line and environment")
class MainTest {

    private static int run(CommandLine commandLine, StringBuilder out, String... args) {
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        int code = ServerMain.start(args, commandLine, Main::create, new PrintStream(stdout, true, StandardCharsets.UTF_8),
                new PrintStream(stderr, true, StandardCharsets.UTF_8), new CountDownLatch(1));
        out.append(stdout.toString(StandardCharsets.UTF_8)).append(stderr.toString(StandardCharsets.UTF_8));
        return code;
    }

    @Test
    @DisplayName("--help lists every flag with its default and environment variable")
    void help() {
        StringBuilder out = new StringBuilder();
        assertThat(run(Main.commandLine(), out, "--help")).isZero();
        assertThat(out.toString()).contains("--port N", "env PORT", "--event-loops N", "env EVENT_LOOPS", "--max-connections",
                "--header-timeout-ms", "env HEADER_TIMEOUT_MS", "--idle-timeout-ms", "--body-timeout-ms", "--write-timeout-ms",
                "--shutdown-timeout-ms", "--max-body-bytes", "--body-budget-bytes", "env BODY_BUDGET_BYTES", "--access-log on|off", "env ACCESS_LOG",
                "--drain-delay-ms", "env DRAIN_DELAY_MS", "--bind ADDRESS", "env BIND", "--log-connections on|off", "--files-dir DIR", "env FILES_DIR");
    }

    @Test
    @DisplayName("--bind, --drain-delay-ms and --log-connections: from flags or the environment; the command line drains for 3 s by default")
    void runOptions() throws Exception {
        RunOptions defaults = Main.runOptions(Main.commandLine(name -> null).parse(new String[0]));
        assertThat(defaults.bindAddress()).as("by default: every address").isNull();
        assertThat(defaults.drainDelay()).isEqualTo(RunOptions.DEFAULT_DRAIN_DELAY);
        assertThat(defaults.drainDelay().plus(ServerConfig.DEFAULT_SHUTDOWN_TIMEOUT).toMillis() + FinalServer.JOIN_MARGIN_MILLIS)
                .as("drain delay + shutdown timeout + close()'s margin fit in docker stop's 10 s").isLessThan(10_000);
        Map<String, String> environment = Map.of("BIND", "::1", "DRAIN_DELAY_MS", "5000");
        RunOptions options = Main.runOptions(Main.commandLine(environment::get).parse(new String[] {"--log-connections", "on"}));
        assertThat(options.bindAddress()).isEqualTo(InetAddress.getByName("::1"));
        assertThat(options.drainDelay()).isEqualTo(Duration.ofSeconds(5));
        assertThat(options.logConnections()).isTrue();
        assertThat(defaults.filesDir()).as("by default no files are served").isNull();
        Path files = Files.createTempDirectory("files-dir");
        try {
            assertThat(Main.runOptions(Main.commandLine(Map.of("FILES_DIR", files.toString())::get).parse(new String[0])).filesDir())
                    .as("FILES_DIR").isEqualTo(files);
        } finally {
            Files.delete(files);
        }
    }

    @Test
    @DisplayName("--bind 127.0.0.1 listens on that address only: 127.0.0.2 (also loopback) is refused")
    void bindsOneAddress() throws Exception {
        InetAddress only = InetAddress.getByName("127.0.0.1");
        try (RunningServer server = RunningServer.start(console -> new FinalServer(TestServers.config(),
                RunOptions.defaults().withBindAddress(only), console, console))) {
            try (Socket socket = new Socket(only, server.port())) {
                assertThat(socket.isConnected()).isTrue();
            }
            assertThatThrownBy(() -> new Socket(InetAddress.getByName("127.0.0.2"), server.port()).close())
                    .as("a connection to another loopback address than the one bound").isInstanceOf(ConnectException.class);
        }
    }

    @Test
    @DisplayName("flags win over environment variables, which win over defaults")
    void environment() throws Exception {
        Map<String, String> environment = Map.of("EVENT_LOOPS", "3", "IDLE_TIMEOUT_MS", "1234", "ACCESS_LOG", "off", "MAX_CONNECTIONS", "7",
                "BODY_BUDGET_BYTES", "65536");
        CommandLine commandLine = Main.commandLine(environment::get);
        ServerConfig config = Main.config(commandLine.parse(new String[] {"--max-connections", "9", "--port", "0"}));
        assertThat(config.eventLoops()).isEqualTo(3);
        assertThat(config.idleTimeout()).isEqualTo(Duration.ofMillis(1234));
        assertThat(config.accessLog()).isFalse();
        assertThat(config.maxConnections()).isEqualTo(9);
        assertThat(config.headerTimeout()).isEqualTo(ServerConfig.DEFAULT_HEADER_TIMEOUT);
        assertThat(config.bodyBudgetBytes()).isEqualTo(65536);
        assertThat(Main.config(Main.commandLine(name -> null).parse(new String[0])).bodyBudgetBytes())
                .as("--body-budget-bytes 0 (the default) means a quarter of the maximum heap").isEqualTo(Runtime.getRuntime().maxMemory() / 4);
        assertThat(Main.config(Main.commandLine(name -> null).parse(new String[0])).eventLoops())
                .as("--event-loops 0 (the default) means one per processor").isEqualTo(Runtime.getRuntime().availableProcessors());
    }

    @Test
    @DisplayName("a bad value ends the program with exit code 2 and one line naming the flag")
    void badValues() {
        for (String[] args : new String[][] {{"--event-loops", "many"}, {"--access-log", "maybe"}, {"--idle-timeout-ms", "0"},
                {"--bind", "example.com"}, {"--bind", "localhost"}, {"--drain-delay-ms", "-1"},
                {"--files-dir", "/no/such/directory"}}) {
            StringBuilder out = new StringBuilder();
            assertThat(run(Main.commandLine(name -> null), out, args)).as("exit code for %s", String.join(" ", args)).isEqualTo(ServerMain.EXIT_USAGE);
            assertThat(out.toString().strip().lines().toList()).as("one line: %s", out).hasSize(1).allMatch(line -> line.contains(args[0]));
        }
    }
}
