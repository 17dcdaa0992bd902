package dev.httpfromscratch.step1;

import static org.assertj.core.api.Assertions.assertThat;

import dev.httpfromscratch.common.ServerMain;
import dev.httpfromscratch.testkit.ConnectionGroup;
import dev.httpfromscratch.testkit.Points;
import dev.httpfromscratch.testkit.RawConnection;
import dev.httpfromscratch.testkit.RunningServer;
import dev.httpfromscratch.testkit.Stage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

/**
 * Checkpoint 1 (docs/01-sockets.md): a listening socket that accepts clients, one after another,
 * prints "client connected" for each and closes its connection. Every test talks to the server
 * over real sockets, and the tests run in the order the chapter builds the code (its stages).
 *
 * <p>Try what the grader does by hand: start the server, then {@code nc -v localhost 8000} or
 * {@code curl localhost:8000} in a second terminal, and watch the first one.
 */
@DisplayName("Step 1: the accept loop")
class AcceptLoopTest {
    /** One deadline per test, shared by all its waits: it stops a hang, never a speed check. */
    static final Duration DEADLINE = Duration.ofSeconds(10);
    private static final String CONNECTED = "client connected";
    private static final String NAME_THE_CLIENT = "Each line should name the client's address as the server sees it, "
            + "127.0.0.1 and the client's port: its remote address, not the server's own.";

    static final String STAGE_1 = "bind the listening socket";
    static final String STAGE_1_SECTION = "docs/01-sockets.md#stage-1-bind-the-listening-socket";
    static final String STAGE_2 = "accept clients one after another";
    static final String STAGE_2_SECTION = "docs/01-sockets.md#stage-2-accept-clients-one-after-another";
    static final String STAGE_3 = "close each connection";
    static final String STAGE_3_SECTION = "docs/01-sockets.md#stage-3-close-each-connection";
    static final String STAGE_4 = "the backlog";
    static final String STAGE_4_SECTION = "docs/01-sockets.md#stage-4-the-backlog";

    private static RunningServer startServer(int port, int backlog) {
        return RunningServer.start(console -> new AcceptLoop(port, backlog, console));
    }

    /**
     * Waits, until {@code end}, for the {@code n}th "client connected" line, for the client on
     * {@code clientPort}; fails with what went wrong and everything the server printed.
     */
    static void awaitConnectedLine(RunningServer server, int n, int clientPort, long end) {
        List<String> lines = server.console().awaitLines(CONNECTED, n, left(end));
        if (lines.size() < n) {
            throw new AssertionFailedError("Client " + n + " (port " + clientPort + ") connected, but no '" + CONNECTED
                    + "' line for it appeared within " + DEADLINE.toSeconds() + " s. " + whyLinesAreMissing(server, n)
                    + "\nThe server printed:\n" + server.console().describe());
        }
    }

    /**
     * Why fewer than {@code expected} "client connected" lines were printed, from what was: nothing
     * at all (System.out instead of the console), the words without line ends (print, not println),
     * or fewer lines than clients (a loop that stopped).
     */
    static String whyLinesAreMissing(RunningServer server, int expected) {
        String text = server.console().text();
        int printed = text.split(CONNECTED, -1).length - 1;
        int lines = server.console().linesContaining(CONNECTED).size();
        if (text.isEmpty()) {
            return "The server printed nothing on its console. Print on the console the server was given (the PrintStream "
                    + "passed to AcceptLoop, which the tests capture), not on System.out.";
        }
        if (printed > lines) {
            return "The server printed '" + CONNECTED + "' " + printed + " times but on " + lines + " line(s): end each one "
                    + "with a line break (println, not print).";
        }
        return "It printed " + lines + " such line(s) for " + expected + " clients. Does acceptLoop go back to accept() in a "
                + "loop, for as long as the listening socket is open?";
    }

    static long deadline() {
        return System.nanoTime() + DEADLINE.toNanos();
    }

    static Duration left(long end) {
        return Duration.ofNanos(Math.max(0, end - System.nanoTime()));
    }

    @Test
    @Points(1)
    @Stage(value = 1, title = STAGE_1, section = STAGE_1_SECTION)
    @DisplayName("--port 0 binds a free port chosen by the kernel, and clients can connect")
    void portZeroPicksAFreePort() {
        try (RunningServer server = startServer(0, 10)) {
            assertThat(server.port()).as("the port the server reports after binding port 0").isBetween(1, 65_535);
            try (RawConnection client = server.connect()) {
                assertThat(client.localPort()).as("a client connected to port %d", server.port()).isPositive();
            }
        }
    }

    @Test
    @Points(2)
    @Stage(value = 1, title = STAGE_1, section = STAGE_1_SECTION)
    @DisplayName("a port already in use ends the program with one clear line and a non-zero exit code, and leaks no file descriptor")
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
            assertThat(message.lines().filter(line -> line.contains(String.valueOf(port)) && line.contains("in use")).count())
                    .as("one line that names the port and says it is in use (the BindException of bind() reaches main); it printed:%n%s", message)
                    .isEqualTo(1);
            assertThat(message).as("no stack trace for the user").doesNotContain("\tat ").doesNotContain("Exception:");

            // Every failed attempt must give its socket back: an fd nobody closes stays open until the process ends.
            int attempts = 50;
            long before = openFileDescriptors();
            for (int i = 0; i < attempts; i++) {
                try (ServerSocket unexpected = AcceptLoop.openListeningSocket(port, 10)) {
                    throw new AssertionFailedError("binding port " + port + ", which another socket listens on, succeeded");
                } catch (BindException expected) {
                    // the port is taken: what this test wants
                }
            }
            long leaked = openFileDescriptors() - before;
            assertThat(leaked)
                    .as("binding a port in use %d times left %d more file descriptors open: when bind throws, close the socket "
                            + "before the exception leaves openListeningSocket (docs/01-sockets.md, 'Stage 1: bind the listening socket')",
                            attempts, leaked)
                    .isLessThan(attempts / 5);
        }
    }

    /** This process's open file descriptors (/proc/self/fd on Linux; 0 elsewhere, where the check cannot look). */
    private static long openFileDescriptors() throws IOException {
        Path fds = Path.of("/proc/self/fd");
        if (!Files.isDirectory(fds)) {
            return 0;
        }
        try (Stream<Path> list = Files.list(fds)) {
            return list.count();
        }
    }

    @Test
    @Points(2)
    @Stage(value = 2, title = STAGE_2, section = STAGE_2_SECTION)
    @DisplayName("prints 'client connected' with the peer's address for every accepted connection")
    void printsForEveryConnection() {
        long end = deadline();
        try (RunningServer server = startServer(0, 10)) {
            List<Integer> clientPorts = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                try (RawConnection client = server.connect()) {
                    clientPorts.add(client.localPort());
                    awaitConnectedLine(server, i + 1, client.localPort(), end);
                }
            }
            List<String> lines = server.console().linesContaining(CONNECTED);
            for (int i = 0; i < 5; i++) {
                assertThat(lines.get(i))
                        .as("line %d should name the client on port %d. %s The server printed:%n%s",
                                i + 1, clientPorts.get(i), NAME_THE_CLIENT, server.console().describe())
                        .contains("127.0.0.1").contains(":" + clientPorts.get(i));
            }
        }
    }

    @Test
    @Points(2)
    @Stage(value = 2, title = STAGE_2, section = STAGE_2_SECTION)
    @DisplayName("serves 20 clients that connect at the same time")
    void servesConcurrentClients() throws Exception {
        long end = deadline();
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
            List<String> lines = server.console().awaitLines(CONNECTED, 20, left(end));
            assertThat(lines.size())
                    .as("20 clients connected at once; expected 20 '%s' lines. %s The server printed:%n%s",
                            CONNECTED, whyLinesAreMissing(server, 20), server.console().describe())
                    .isEqualTo(20);
            for (Future<Integer> port : ports) {
                int clientPort = port.get();
                assertThat(lines.stream().anyMatch(line -> line.contains("127.0.0.1:" + clientPort)))
                        .as("no line names the client on port %d. %s The server printed:%n%s",
                                clientPort, NAME_THE_CLIENT, server.console().describe())
                        .isTrue();
            }
        }
    }

    @Test
    @Points(2)
    @Stage(value = 2, title = STAGE_2, section = STAGE_2_SECTION)
    @DisplayName("survives a client that resets its connection at once, and serves the next one")
    void survivesReset() {
        long end = deadline();
        try (RunningServer server = startServer(0, 10)) {
            for (int i = 0; i < 10; i++) {
                server.connect().reset(); // SO_LINGER 0 + close: the kernel sends RST
            }
            try (RawConnection next = server.connect()) {
                int nextPort = next.localPort();
                List<String> lines = server.console().awaitLines(line -> line.contains(CONNECTED) && line.contains(":" + nextPort), 1, left(end));
                assertThat(lines.size())
                        .as("after 10 clients reset their connections, a new client (port %d) should still be accepted and "
                                + "printed. %s The server printed:%n%s", nextPort, whyLinesAreMissing(server, 11), server.console().describe())
                        .isEqualTo(1);
            }
        }
    }

    @Test
    @Points(2)
    @Stage(value = 3, title = STAGE_3, section = STAGE_3_SECTION)
    @DisplayName("closes each client's connection after printing its line (the client reads end of stream)")
    void closesEachConnection() {
        long end = deadline();
        try (RunningServer server = startServer(0, 10)) {
            for (int i = 0; i < 3; i++) {
                try (RawConnection client = server.connect()) {
                    awaitConnectedLine(server, i + 1, client.localPort(), end);
                    RawConnection.Closed closed = client.awaitClose(left(end));
                    assertThat(closed)
                            .as("client %d was accepted and printed, then waited %d s for the server to close the connection "
                                    + "(read() returning -1, a FIN). Close the client's socket once its line is printed: an "
                                    + "accepted socket is a file descriptor until someone closes it. The server printed:%n%s",
                                    i + 1, DEADLINE.toSeconds(), server.console().describe())
                            .isEqualTo(RawConnection.Closed.BY_SERVER_EOF);
                }
            }
        }
    }

    @Test
    @Points(2)
    @Stage(value = 3, title = STAGE_3, section = STAGE_3_SECTION)
    @DisplayName("can bind the same port again right after the server closed a connection (SO_REUSEADDR and TIME_WAIT)")
    void rebindsWhileTimeWait() {
        long end = deadline();
        int port;
        try (RunningServer first = startServer(0, 10)) {
            port = first.port();
            try (RawConnection client = first.connect()) {
                awaitConnectedLine(first, 1, client.localPort(), end);
                // The server closed its end first, so its side of this connection is now in TIME_WAIT
                // (ss -tan state time-wait shows it) and still holds the port for a minute.
                assertThat(client.awaitClose(left(end)))
                        .as("the server should close the client's connection after printing its line")
                        .isEqualTo(RawConnection.Closed.BY_SERVER_EOF);
            }
        }
        try (RunningServer second = startServer(port, 10)) {
            try (RawConnection client = second.connect()) {
                awaitConnectedLine(second, 1, client.localPort(), end);
            }
        }
    }

    @Test
    @Points(2)
    @Stage(value = 4, title = STAGE_4, section = STAGE_4_SECTION)
    @DisplayName("clients arriving while the server is busy wait in the backlog queue; the kernel queues no more than the backlog asked for")
    void backlogQueuesClientsWhileBusy() throws IOException {
        int backlog = 5;
        long end = deadline();
        try (RunningServer server = startServer(0, backlog)) {
            // Make the server busy: its next println blocks until released, so after the first
            // accept() it is stuck and cannot call accept() again.
            server.console().hold();
            try (RawConnection first = server.connect()) {
                assertThat(server.console().awaitServerBlocked(left(end)))
                        .as("the server should print 'client connected' on its console for the first client").isTrue();
                // The kernel completes the handshakes of the next clients on its own and queues
                // them, so connect() succeeds although nobody calls accept(). Linux queues
                // backlog + 1 connections, then drops further SYNs (the client retries later).
                int queueLength = backlog + 1;
                try (ConnectionGroup queued = ConnectionGroup.open(server.port(), queueLength);
                     Socket oneTooMany = new Socket()) {
                    boolean connected;
                    try {
                        oneTooMany.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port()), 2_000);
                        connected = true;
                    } catch (SocketTimeoutException dropped) {
                        connected = false; // its SYNs were dropped: the queue is full, as asked
                    }
                    assertThat(connected)
                            .as("with a backlog of %d and the server busy, the kernel queued %d connections and should drop the "
                                    + "next one's SYN; it accepted it too, so the listening socket has a longer queue than the "
                                    + "backlog the server was given. Pass the backlog to bind() (new ServerSocket(port) and "
                                    + "bind(address) without one use a default of 50)", backlog, queueLength)
                            .isFalse();
                    server.console().release();
                    List<String> lines = server.console().awaitLines(CONNECTED, queueLength + 1, left(end));
                    assertThat(lines.size())
                            .as("%d clients queued while the server was busy should all be accepted once it is free. The server printed:%n%s",
                                    queueLength, server.console().describe())
                            .isGreaterThanOrEqualTo(queueLength + 1);
                }
            }
        }
    }
}
