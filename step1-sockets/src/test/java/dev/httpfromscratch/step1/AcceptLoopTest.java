package dev.httpfromscratch.step1;

import static org.assertj.core.api.Assertions.assertThat;

import dev.httpfromscratch.common.ServerMain;
import dev.httpfromscratch.testkit.ConnectionGroup;
import dev.httpfromscratch.testkit.Points;
import dev.httpfromscratch.testkit.RawConnection;
import dev.httpfromscratch.testkit.RunningServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Checkpoint 1 (docs/01-sockets.md): a listening socket that accepts clients, one after another,
 * and prints "client connected" for each. Every test talks to the server over real sockets.
 *
 * <p>Try what the grader does by hand: start the server, then {@code nc -v localhost 8000} or
 * {@code curl localhost:8000} in a second terminal, and watch the first one.
 */
@DisplayName("Step 1: the accept loop")
class AcceptLoopTest {
    private static final Duration DEADLINE = Duration.ofSeconds(15); // stops a hang; never a speed check
    private static final String CONNECTED = "client connected";

    private static RunningServer startServer(int port, int backlog) {
        return RunningServer.start(console -> new AcceptLoop(port, backlog, console));
    }

    @Test
    @Points(2)
    @DisplayName("prints 'client connected' with the peer's address for every accepted connection")
    void printsForEveryConnection() {
        try (RunningServer server = startServer(0, 10)) {
            List<Integer> clientPorts = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                try (RawConnection client = server.connect()) {
                    clientPorts.add(client.localPort());
                    server.console().awaitLines(CONNECTED, i + 1, DEADLINE);
                }
            }
            List<String> lines = server.console().linesContaining(CONNECTED);
            assertThat(lines)
                    .as("5 clients connected one after another, so 5 lines with '%s' were expected. The server printed:%n%s",
                            CONNECTED, server.console().describe())
                    .hasSize(5);
            for (int i = 0; i < 5; i++) {
                assertThat(lines.get(i))
                        .as("line %d should name the client's address, 127.0.0.1 and its port %d (use socket.getRemoteSocketAddress())",
                                i + 1, clientPorts.get(i))
                        .contains("127.0.0.1").contains(":" + clientPorts.get(i));
            }
        }
    }

    @Test
    @Points(2)
    @DisplayName("serves 20 clients that connect at the same time")
    void servesConcurrentClients() throws Exception {
        try (RunningServer server = startServer(0, 50);
             ExecutorService clients = Executors.newFixedThreadPool(20)) {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Integer>> ports = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                ports.add(clients.submit(() -> {
                    go.await();
                    try (RawConnection client = server.connect()) {
                        return client.localPort();
                    }
                }));
            }
            go.countDown();
            List<String> lines = server.console().awaitLines(CONNECTED, 20, DEADLINE);
            assertThat(lines)
                    .as("20 clients connected at once; expected 20 '%s' lines. The server printed:%n%s", CONNECTED, server.console().describe())
                    .hasSize(20);
            for (Future<Integer> port : ports) {
                int clientPort = port.get();
                assertThat(lines).as("no line names the client on port %d", clientPort)
                        .anyMatch(line -> line.contains(":" + clientPort));
            }
        }
    }

    @Test
    @Points(2)
    @DisplayName("can bind the same port again right after a client connected (SO_REUSEADDR and TIME_WAIT)")
    void rebindsWhileTimeWait() {
        int port;
        try (RunningServer first = startServer(0, 10)) {
            port = first.port();
            try (RawConnection client = first.connect()) {
                first.console().awaitLines(CONNECTED, 1, DEADLINE);
                // The server closed its end first, so its side of this connection is now in TIME_WAIT
                // (ss -tan state time-wait shows it) and still holds the port for a minute.
                client.awaitClose(DEADLINE);
            }
        }
        try (RunningServer second = startServer(port, 10)) {
            try (RawConnection client = second.connect()) {
                assertThat(second.console().awaitLines(CONNECTED, 1, DEADLINE))
                        .as("a server restarted on port %d should accept clients again", port)
                        .hasSize(1);
            }
        }
    }

    @Test
    @Points(2)
    @DisplayName("a port already in use ends the program with one clear line and a non-zero exit code")
    void portInUse() throws Exception {
        try (ServerSocket squatter = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            int port = squatter.getLocalPort();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int exitCode = ServerMain.start(new String[] {"--port", String.valueOf(port)}, Main.commandLine(), Main::create,
                    new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                    new CountDownLatch(1));
            String message = err.toString(StandardCharsets.UTF_8);
            assertThat(exitCode).as("exit code when port %d is taken; it printed:%n%s", port, message)
                    .isEqualTo(ServerMain.EXIT_CANNOT_START);
            assertThat(message.lines().toList())
                    .as("one line that names the port and says it is in use (BindException from bind()); it printed:%n%s", message)
                    .hasSize(1)
                    .allMatch(line -> line.contains(String.valueOf(port)) && line.contains("in use"));
            assertThat(message).as("no stack trace for the user").doesNotContain("\tat ").doesNotContain("Exception:");
        }
    }

    @Test
    @Points(2)
    @DisplayName("clients arriving while the server is busy wait in the backlog queue instead of being refused")
    void backlogQueuesClientsWhileBusy() {
        int backlog = 10;
        try (RunningServer server = startServer(0, backlog)) {
            // Make the server busy: its next println blocks until released, so after the first
            // accept() it is stuck and cannot call accept() again.
            server.console().hold();
            try (RawConnection first = server.connect()) {
                assertThat(server.console().awaitServerBlocked(DEADLINE))
                        .as("the server should print 'client connected' for the first client").isTrue();
                // The kernel completes the handshakes of the next clients on its own and queues
                // them (listen() backlog), so connect() succeeds although nobody calls accept().
                try (ConnectionGroup queued = ConnectionGroup.open(server.port(), backlog)) {
                    server.console().release();
                    List<String> lines = server.console().awaitLines(CONNECTED, backlog + 1, DEADLINE);
                    assertThat(lines)
                            .as("%d clients queued while the server was busy should all be accepted once it is free. The server printed:%n%s",
                                    backlog, server.console().describe())
                            .hasSize(backlog + 1);
                }
            }
        }
    }

    @Test
    @Points(2)
    @DisplayName("survives a client that resets its connection at once, and serves the next one")
    void survivesReset() {
        try (RunningServer server = startServer(0, 10)) {
            for (int i = 0; i < 10; i++) {
                server.connect().reset(); // SO_LINGER 0 + close: the kernel sends RST
            }
            try (RawConnection next = server.connect()) {
                int nextPort = next.localPort();
                List<String> lines = server.console().awaitLines(line -> line.contains(CONNECTED) && line.contains(":" + nextPort), 1, DEADLINE);
                assertThat(lines)
                        .as("after 10 clients reset their connections, a new client (port %d) should still be accepted. The server printed:%n%s",
                                nextPort, server.console().describe())
                        .hasSize(1);
            }
        }
    }

    @Test
    @Points(1)
    @DisplayName("--port 0 binds a free port chosen by the kernel")
    void portZeroPicksAFreePort() {
        try (RunningServer server = startServer(0, 10)) {
            assertThat(server.port()).as("the port the server reports after binding port 0").isBetween(1, 65_535);
            try (RawConnection client = server.connect()) {
                assertThat(server.console().awaitLines(CONNECTED, 1, DEADLINE)).hasSize(1);
            }
        }
    }
}
