package dev.httpfromscratch.step4;

import static dev.httpfromscratch.testkit.ResponseAssert.assertThatResponse;
import static org.assertj.core.api.Assertions.assertThat;

import dev.httpfromscratch.step3.Routes;
import dev.httpfromscratch.testkit.ConnectionGroup;
import dev.httpfromscratch.testkit.Points;
import dev.httpfromscratch.testkit.RawConnection;
import dev.httpfromscratch.testkit.RawResponse;
import dev.httpfromscratch.testkit.RunningServer;
import dev.httpfromscratch.testkit.Stage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.opentest4j.AssertionFailedError;

/**
 * Checkpoint 4 (docs/04-multiplexing.md): one suite, run against both servers of the step, the
 * Selector event loop and the virtual-thread server. Every test talks to the server over real
 * sockets on 127.0.0.1; no test measures time: "does not delay" is checked by the order in which
 * things finish, and deadlines only stop a hang.
 *
 * <p>Try by hand what the tests do: start the server, then {@code nc localhost 8000} and type
 * {@code GET / HTTP/1.1}, {@code Host: x} and an empty line, twice: the connection stays open.
 */
@DisplayName("Step 4: one thread, many connections")
class MultiplexingServerTest {
    private static final Duration DEADLINE = RawConnection.DEFAULT_DEADLINE; // stops a hang; never a speed check
    private static final String GET_ROOT = "GET / HTTP/1.1\r\nHost: step4\r\n\r\n";

    /** The server of the running test, so a failure can show what it printed. */
    private RunningServer current;

    /** Adds the server's console to every failure: "event loop stopped: ..." says more than "EOF". */
    @RegisterExtension
    final TestExecutionExceptionHandler showServerConsole = (context, thrown) -> {
        if (current != null && thrown instanceof AssertionError && !current.console().text().isBlank()) {
            List<String> lines = current.console().lines();
            String printed = String.join("\n    ", lines.subList(0, Math.min(lines.size(), 20)))
                    + (lines.size() > 20 ? "\n    ... (" + (lines.size() - 20) + " more lines)" : "");
            AssertionFailedError withConsole = new AssertionFailedError(thrown.getMessage() + "\nThe server printed:\n    " + printed, thrown);
            withConsole.setStackTrace(thrown.getStackTrace());
            throw withConsole;
        }
        throw thrown;
    };

    /**
     * The idle timeout of the tests' servers: longer than a test's deadline, so that a connection
     * the server forgot to close, or a reply it never sent, fails with its own message instead of
     * being tidied away by the idle timeout first.
     */
    private static final Duration TEST_IDLE_TIMEOUT = DEADLINE.multipliedBy(4);

    private RunningServer start(ServerType type) {
        return start(type, ServerOptions.defaults(0).withIdleTimeout(TEST_IDLE_TIMEOUT));
    }

    private RunningServer start(ServerType type, ServerOptions options) {
        current = RunningServer.start(console -> type.create(options, console));
        return current;
    }

    private static void assertRootResponse(RawResponse response) {
        assertThatResponse(response).hasStatus(200).hasBody(Routes.ROOT_BODY).hasHeader("Connection", "keep-alive");
    }

    // ---- graded: the list --------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @EnumSource(ServerType.class)
    @Points(4)
    @Stage(value = 5, title = "1,000 connections on one thread", section = "docs/04-multiplexing.md#the-reactor-pattern")
    @DisplayName("1,000 concurrent keep-alive connections each get correct answers (the selector server on exactly one I/O thread)")
    void thousandConcurrentKeepAliveConnections(ServerType type) {
        int count = 1_000;
        try (RunningServer server = start(type);
             ConnectionGroup clients = ConnectionGroup.open(server.port(), count)) {
            for (int round = 1; round <= 2; round++) {
                // Every client sends before any reads: the server must hold all 1,000 requests at once.
                for (RawConnection client : clients.connections()) {
                    client.send(GET_ROOT);
                }
                for (int i = 0; i < count; i++) {
                    RawResponse response = clients.get(i).readResponse();
                    assertThatResponse(response)
                            .as("round %d, connection %d of %d", round, i + 1, count)
                            .hasStatus(200).hasBody(Routes.ROOT_BODY).hasHeader("Connection", "keep-alive");
                }
            }
            int open = switch (server.server()) {
                case EventLoopServer loop -> loop.openConnections();
                case VirtualThreadServer threads -> threads.openConnections();
                default -> throw new IllegalStateException("unknown server " + server.server());
            };
            assertThat(open)
                    .as("all %d clients are still connected after two requests each (keep-alive), so the server should count %d open connections. It printed:%n%s",
                            count, count, server.console().describe())
                    .isEqualTo(count);
            if (server.server() instanceof EventLoopServer loop) {
                IoThreads io = loop.ioThreads();
                for (IoThreads.Operation operation : IoThreads.Operation.values()) {
                    assertThat(io.threadsFor(operation))
                            .as("no %s was recorded: make that system call through the helper that records it "
                                    + "(acceptClient(), Connection.read(), Connection.write())", operation)
                            .isNotEmpty();
                }
                assertThat(io.allThreads())
                        .as("the event loop must do every accept, read and write on its own single thread; these threads did I/O: %s", io)
                        .hasSize(1);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(ServerType.class)
    @Points(3)
    @Stage(value = 2, title = "read, answer and write", section = "docs/04-multiplexing.md#code-handleread")
    @DisplayName("a client sending one byte at a time does not delay the others")
    void oneByteAtATimeDoesNotDelayOthers(ServerType type) {
        try (RunningServer server = start(type);
             RawConnection slow = server.connect();
             ConnectionGroup fast = ConnectionGroup.open(server.port(), 3)) {
            byte[] request = GET_ROOT.getBytes(StandardCharsets.US_ASCII);
            List<String> finished = new ArrayList<>();
            // Between every two bytes of the slow request, a fast client does a whole exchange.
            // A server that waited for the slow request to end before serving anyone else would
            // never answer the first fast client (and the test would stop at the deadline).
            for (int i = 0; i < request.length; i++) {
                slow.send(new byte[] {request[i]});
                RawConnection client = fast.get(i % 3);
                client.send(GET_ROOT);
                RawResponse response = client.readResponse();
                assertThatResponse(response)
                        .as("fast client %d, sent after byte %d of %d of the slow client's request", i % 3 + 1, i + 1, request.length)
                        .hasStatus(200).hasBody(Routes.ROOT_BODY);
                finished.add("fast after slow byte " + (i + 1));
                if (i % 10 == 0) {
                    try (RawConnection newcomer = server.connect()) {
                        assertRootResponse(newcomer.send(GET_ROOT).readResponse());
                        finished.add("newcomer after slow byte " + (i + 1));
                    }
                }
            }
            RawResponse slowResponse = slow.readResponse();
            assertThatResponse(slowResponse).as("the slow client, once its last byte arrived").hasStatus(200).hasBody(Routes.ROOT_BODY);
            finished.add("slow");
            assertThat(finished)
                    .as("order of completion: every fast exchange while the slow request was still arriving, the slow one last")
                    .hasSize(request.length + (request.length + 9) / 10 + 1)
                    .last().isEqualTo("slow");
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(ServerType.class)
    @Points(3)
    @Stage(value = 4, title = "partial writes and OP_WRITE", section = "docs/04-multiplexing.md#code-handlewrite")
    @DisplayName("a 1 MiB response reaches a slow reader whole, while other clients are served (partial writes resumed)")
    void largeResponseReachesSlowReader(ServerType type) {
        // A send buffer fixed at 64 KiB (Linux would grow it to 4 MiB on loopback, enough for the
        // whole response) and a client that does not read: the server's write() of 1 MiB can only
        // hand the kernel part of it, and the rest must wait until the client reads.
        ServerOptions options = ServerOptions.defaults(0).withIdleTimeout(TEST_IDLE_TIMEOUT).withSendBufferBytes(64 * 1024);
        try (RunningServer server = start(type, options);
             RawConnection slowReader = server.connect()) {
            slowReader.send("GET /large HTTP/1.1\r\nHost: step4\r\n\r\n");
            if (server.server() instanceof EventLoopServer loop) {
                long end = System.nanoTime() + DEADLINE.toNanos();
                while (loop.partialWrites() == 0 && loop.isRunning() && System.nanoTime() < end) {
                    Thread.onSpinWait();
                }
                assertThat(loop.partialWrites())
                        .as("the client reads nothing and the server's send buffer is 64 KiB, so a write() of the 1 MiB response "
                                + "must come back partial (bytes left in the ByteBuffer). None did: does handleAccept give each client "
                                + "the SO_SNDBUF of ServerOptions.sendBufferBytes() (without it Linux grows the buffer to hold it all)? "
                                + "Do you write through Connection.write()?")
                        .isPositive();
            }
            try (RawConnection other = server.connect()) {
                assertThatResponse(other.send(GET_ROOT).readResponse())
                        .as("another client, while 1 MiB waits for a client that does not read")
                        .hasStatus(200).hasBody(Routes.ROOT_BODY);
            }
            RawResponse large;
            try {
                large = slowReader.readResponse();
            } catch (AssertionError incomplete) {
                throw new AssertionFailedError("GET /large (a 1 MiB response) to a client that read nothing at first did not arrive whole: "
                        + incomplete.getMessage() + "\nA write() that comes back partial leaves the rest in the ByteBuffer: keep that buffer "
                        + "queued, ask for OP_WRITE, and write it again from its position when the socket is writable.", incomplete);
            }
            assertThatResponse(large).hasStatus(200).hasHeader("Content-Length", String.valueOf(Step4Routes.LARGE_BODY_BYTES));
            byte[] expected = Step4Routes.largeBody();
            int firstDifference = firstDifference(expected, large.body());
            assertThat(firstDifference)
                    .as("the body of GET /large should be the %d bytes of Step4Routes.largeBody(), in order; the first wrong byte is at offset %d "
                            + "(a partial write resumed at the wrong position, or a buffer sent twice?)", expected.length, firstDifference)
                    .isEqualTo(-1);
            assertThatResponse(slowReader.send(GET_ROOT).readResponse())
                    .as("the same connection, after the large response: it stays open and serves the next request")
                    .hasStatus(200).hasBody(Routes.ROOT_BODY);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(ServerType.class)
    @Points(3)
    @Stage(value = 3, title = "every buffered request, in order", section = "docs/04-multiplexing.md#code-answerbufferedrequests")
    @DisplayName("50 pipelined requests sent in one write come back in order")
    void fiftyPipelinedRequestsInOrder(ServerType type) {
        try (RunningServer server = start(type);
             RawConnection client = server.connect()) {
            StringBuilder requests = new StringBuilder();
            for (int i = 0; i < 50; i++) {
                requests.append(pipelinedRequest(i));
            }
            client.send(requests.toString());
            for (int i = 0; i < 50; i++) {
                RawResponse response = client.readResponse();
                switch (i % 3) {
                    case 0 -> assertThatResponse(response).as("response %d of 50 (GET /)", i + 1).hasStatus(200).hasBody(Routes.ROOT_BODY);
                    case 1 -> assertThatResponse(response).as("response %d of 50 (GET /pipelined/%d)", i + 1, i)
                            .hasStatus(404).hasBodyContaining("/pipelined/" + i);
                    default -> assertThatResponse(response).as("response %d of 50 (POST /api {\"n\":%d})", i + 1, i)
                            .hasStatus(200).hasBodyContaining("\"value\":" + i);
                }
            }
            assertThat(client.unreadBytes()).as("nothing after the 50th response").isEmpty();
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(ServerType.class)
    @Points(2)
    @Stage(value = 4, title = "partial writes and OP_WRITE", section = "docs/04-multiplexing.md#code-handlewrite")
    @DisplayName("three pipelined GET /large in one write each get their 1 MiB (requests left in the buffer while output was high)")
    void pipelinedLargeResponses(ServerType type) {
        try (RunningServer server = start(type);
             RawConnection client = server.connect()) {
            String large = "GET /large HTTP/1.1\r\nHost: step4\r\n\r\n";
            client.send(large + large + large);
            for (int i = 1; i <= 3; i++) {
                RawResponse response;
                try {
                    response = client.readResponse();
                } catch (AssertionError missing) {
                    throw new AssertionFailedError("three GET /large sent in one write; response " + i + " of 3 did not come: "
                            + missing.getMessage() + "\nThe server stops parsing while 64 KiB or more wait to be sent "
                            + "(OUTPUT_HIGH_WATER_BYTES), so the other requests stay in the read buffer. No readiness event will report "
                            + "bytes already read: once the output has drained, handleWrite must answer the requests left in the buffer.",
                            missing);
                }
                assertThatResponse(response).as("response %d of 3 to pipelined GET /large", i).hasStatus(200)
                        .hasHeader("Content-Length", String.valueOf(Step4Routes.LARGE_BODY_BYTES));
            }
        }
    }

    private static String pipelinedRequest(int i) {
        return switch (i % 3) {
            case 0 -> GET_ROOT;
            case 1 -> "GET /pipelined/" + i + " HTTP/1.1\r\nHost: step4\r\n\r\n";
            default -> {
                String body = "{\"n\":" + i + "}";
                yield "POST /api HTTP/1.1\r\nHost: step4\r\nContent-Type: application/json\r\nContent-Length: "
                        + body.length() + "\r\n\r\n" + body;
            }
        };
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(ServerType.class)
    @Points(3)
    @Stage(value = 2, title = "read, answer and write", section = "docs/04-multiplexing.md#code-handleread")
    @DisplayName("resets, abandoned requests and half-closed clients leave the server serving everyone else")
    void resetsAndHalfOpenClientsLeaveTheServerServing(ServerType type) {
        try (RunningServer server = start(type);
             ConnectionGroup silent = ConnectionGroup.open(server.port(), 5)) {
            for (RawConnection client : silent.connections()) {
                client.send("GET / HTTP/1.1\r\nHo"); // half a request, then silence (kept open)
            }
            for (int i = 0; i < 10; i++) {
                server.connect().reset(); // RST right after the handshake
                server.connect().send("GET / HTTP/1.1\r\nHost:").reset(); // RST in the middle of a request
                server.connect().send("GET /large HTTP/1.1\r\nHost: step4\r\n\r\n").reset(); // RST while 1 MiB is being written
            }
            for (int i = 0; i < 3; i++) {
                try (RawConnection halfClosed = server.connect()) {
                    // shutdown(SHUT_WR): the server reads end of stream after the request, but this
                    // side can still read: the answer is owed, and then the server closes.
                    halfClosed.send(GET_ROOT).shutdownOutput();
                    assertThatResponse(halfClosed.readResponse()).as("half-closed client %d", i + 1).hasStatus(200).hasBody(Routes.ROOT_BODY);
                    assertThat(halfClosed.awaitClose(DEADLINE))
                            .as("after answering a client that sent end of stream, the server should close the connection")
                            .isEqualTo(RawConnection.Closed.BY_SERVER_EOF);
                }
            }
            try (RawConnection next = server.connect()) {
                assertThatResponse(next.send(GET_ROOT).readResponse())
                        .as("a new client after 30 resets, 3 half-closed clients and 5 silent ones. The server printed:%n%s", server.console().describe())
                        .hasStatus(200).hasBody(Routes.ROOT_BODY);
            }
            for (RawConnection client : silent.connections()) {
                assertThatResponse(client.send("st: step4\r\n\r\n").readResponse())
                        .as("a client that went silent in the middle of its request, once it finishes it")
                        .hasStatus(200).hasBody(Routes.ROOT_BODY);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(ServerType.class)
    @Points(3)
    @Stage(value = 2, title = "read, answer and write", section = "docs/04-multiplexing.md#code-handleread")
    @DisplayName("idle connections are closed after the idle timeout: silent, after a response, and in the middle of a request")
    void idleConnectionsAreClosed(ServerType type) {
        ServerOptions options = ServerOptions.defaults(0).withIdleTimeout(Duration.ofMillis(200));
        try (RunningServer server = start(type, options);
             RawConnection silent = server.connect();
             RawConnection afterResponse = server.connect();
             RawConnection midRequest = server.connect()) {
            assertRootResponse(afterResponse.send(GET_ROOT).readResponse());
            midRequest.send("GET / HTTP/1.1\r\nHost: st");
            assertThat(silent.awaitClose(DEADLINE))
                    .as("a client that connected and said nothing should be closed after the 200 ms idle timeout")
                    .isEqualTo(RawConnection.Closed.BY_SERVER_EOF);
            assertThat(afterResponse.awaitClose(DEADLINE))
                    .as("a keep-alive client that got its answer and then said nothing should be closed after the idle timeout")
                    .isEqualTo(RawConnection.Closed.BY_SERVER_EOF);
            assertThat(midRequest.awaitClose(DEADLINE))
                    .as("a client that stopped in the middle of its request should be closed after the idle timeout")
                    .isEqualTo(RawConnection.Closed.BY_SERVER_EOF);
            try (RawConnection next = server.connect()) {
                assertRootResponse(next.send(GET_ROOT).readResponse());
            }
        }
    }

    // ---- graded: the same behaviour as step 3, over keep-alive connections ------------------

    @ParameterizedTest(name = "{0}")
    @EnumSource(ServerType.class)
    @Points(2)
    @Stage(value = 2, title = "read, answer and write", section = "docs/04-multiplexing.md#code-handleread")
    @DisplayName("HTTP/1.1 keeps the connection open until the client sends Connection: close")
    void keepAliveUntilConnectionClose(ServerType type) {
        try (RunningServer server = start(type);
             RawConnection client = server.connect()) {
            for (int i = 0; i < 3; i++) {
                assertRootResponse(read(client.send(GET_ROOT), "request " + (i + 1)
                        + " of 4 on one connection (HTTP/1.1 keeps a connection open between requests unless the client sends Connection: close)"));
            }
            RawResponse last = client.send("GET / HTTP/1.1\r\nHost: step4\r\nConnection: close\r\n\r\n").readResponse();
            assertThatResponse(last).hasStatus(200).hasHeader("Connection", "close");
            assertThat(client.awaitClose(DEADLINE))
                    .as("after answering a request with Connection: close, the server should close the connection")
                    .isEqualTo(RawConnection.Closed.BY_SERVER_EOF);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(ServerType.class)
    @Points(2)
    @Stage(value = 2, title = "read, answer and write", section = "docs/04-multiplexing.md#code-handleread")
    @DisplayName("HTTP/1.0 closes after the response unless the client asks for keep-alive")
    void http10ConnectionRules(ServerType type) {
        try (RunningServer server = start(type)) {
            try (RawConnection client = server.connect()) {
                RawResponse response = client.send("GET / HTTP/1.0\r\n\r\n").readResponse();
                assertThatResponse(response).hasStatus(200).hasBody(Routes.ROOT_BODY).hasHeader("Connection", "close");
                assertThat(client.awaitClose(DEADLINE)).as("HTTP/1.0 without keep-alive: the server closes").isEqualTo(RawConnection.Closed.BY_SERVER_EOF);
            }
            try (RawConnection client = server.connect()) {
                String keepAlive = "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n";
                assertThatResponse(client.send(keepAlive).readResponse()).hasStatus(200).hasHeader("Connection", "keep-alive");
                assertThatResponse(client.send(keepAlive).readResponse())
                        .as("a second HTTP/1.0 request on a connection the client asked to keep alive").hasStatus(200);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(ServerType.class)
    @Points(2)
    @Stage(value = 2, title = "read, answer and write", section = "docs/04-multiplexing.md#code-handleread")
    @DisplayName("a malformed request gets 400 with a reason and the connection is closed; the server goes on")
    void malformedRequestGets400(ServerType type) {
        try (RunningServer server = start(type)) {
            try (RawConnection client = server.connect()) {
                RawResponse response = client.send("GET / HTTP/1.1\r\nHost: step4\r\nNo colon here\r\n\r\n").readResponse();
                assertThatResponse(response).hasStatus(400).hasHeader("Connection", "close").hasBodyContaining("colon");
                assertThat(client.awaitClose(DEADLINE)).as("after a 400 the server closes the connection").isEqualTo(RawConnection.Closed.BY_SERVER_EOF);
            }
            try (RawConnection client = server.connect()) {
                assertRootResponse(client.send(GET_ROOT).readResponse());
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(ServerType.class)
    @Points(1)
    @Stage(value = 3, title = "every buffered request, in order", section = "docs/04-multiplexing.md#code-answerbufferedrequests")
    @DisplayName("HEAD gets GET's header fields without a body; Expect: 100-continue gets 100 before the body is sent")
    void headAndExpectContinue(ServerType type) {
        try (RunningServer server = start(type);
             RawConnection client = server.connect()) {
            RawResponse head = client.send("HEAD / HTTP/1.1\r\nHost: step4\r\n\r\n").readHeadResponse();
            assertThatResponse(head).hasStatus(200).hasHeader("Content-Length", String.valueOf(Routes.ROOT_BODY.length()));
            String body = "{\"hello\":\"world\"}";
            client.send("POST /api HTTP/1.1\r\nHost: step4\r\nContent-Type: application/json\r\nExpect: 100-continue\r\nContent-Length: "
                    + body.length() + "\r\n\r\n");
            RawResponse interim;
            try {
                interim = client.readResponse();
            } catch (AssertionError none) {
                throw new AssertionFailedError("the client sent a head with Expect: 100-continue and waits for 100 Continue before it "
                        + "sends its body, but nothing came: " + none.getMessage(), none);
            }
            assertThatResponse(interim).as("the interim answer to Expect: 100-continue, before the body is sent").hasStatus(100);
            assertThatResponse(client.send(body).readResponse()).hasStatus(200).hasBodyContaining("hello");
            assertThat(client.unreadBytes()).as("HEAD's answer has no body, so nothing may follow it but the next response").isEmpty();
        }
    }

    // ---- graded: the selector server's own rules ----------------------------------------

    @Test
    @Points(2)
    @Stage(value = 1, title = "accept every queued client", section = "docs/04-multiplexing.md#code-handleaccept")
    @DisplayName("one wake-up of the listening socket accepts every client waiting in the backlog")
    void acceptsEveryQueuedClientInOneWakeup() throws InterruptedException {
        int count = 20;
        try (RunningServer server = start(ServerType.SELECTOR)) {
            EventLoopServer loop = (EventLoopServer) server.server();
            CountDownLatch holding = new CountDownLatch(1);
            CountDownLatch held = new CountDownLatch(1);
            // Keep the loop thread busy while the clients connect: the kernel completes their
            // handshakes and queues them in the backlog, so the next select() finds all of them.
            // The clients connect only once the loop is inside the task: a client that connected
            // before would be accepted in a wake-up of its own.
            loop.execute(() -> {
                holding.countDown();
                try {
                    held.await(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                }
            });
            assertThat(holding.await(DEADLINE.toMillis(), TimeUnit.MILLISECONDS))
                    .as("the loop ran a task given to execute() (the wake-up task queue is written for you)").isTrue();
            try (ConnectionGroup clients = ConnectionGroup.open(server.port(), count)) {
                held.countDown();
                long end = System.nanoTime() + DEADLINE.toNanos();
                while (loop.openConnections() < count && loop.isRunning() && System.nanoTime() < end) {
                    Thread.sleep(5);
                }
                assertThat(loop.openConnections())
                        .as("%d clients connected; the server should count %d open connections (connectionOpened() for each)", count, count)
                        .isEqualTo(count);
                assertThat(loop.mostAcceptedInOneWakeup())
                        .as("%d clients waited in the backlog when the listening socket woke the loop, but one handleAccept() took only %d of "
                                + "them: accept until acceptClient() returns null (or ACCEPTS_PER_WAKEUP), not one client per wake-up",
                                count, loop.mostAcceptedInOneWakeup())
                        .isEqualTo(count);
            }
        }
    }

    @Test
    @Points(2)
    @Stage(value = 4, title = "partial writes and OP_WRITE", section = "docs/04-multiplexing.md#code-handlewrite")
    @DisplayName("an idle keep-alive connection does not wake the loop (OP_WRITE only while output is pending)")
    void idleConnectionDoesNotWakeTheLoop() throws InterruptedException {
        try (RunningServer server = start(ServerType.SELECTOR);
             RawConnection client = server.connect()) {
            EventLoopServer loop = (EventLoopServer) server.server();
            assertRootResponse(client.send(GET_ROOT).readResponse());
            long before = loop.roundsWithReadyKeys();
            Thread.sleep(300); // the client says nothing: a correct loop sleeps in select() all along
            long woken = loop.roundsWithReadyKeys() - before;
            assertThat(woken)
                    .as("after its answer was sent, the only client said nothing for 300 ms, yet select() reported a ready socket %d times. "
                            + "A socket with room in its send buffer is always writable, so OP_WRITE left registered with nothing to "
                            + "write makes the loop spin: register OP_WRITE only while output is pending (Connection.updateInterest()), "
                            + "and watch a new client for OP_READ only", woken)
                    .isLessThanOrEqualTo(5);
        }
    }

    /** Reads a response; a missing one fails with {@code context} in front of what the client saw. */
    private static RawResponse read(RawConnection client, String context) {
        try {
            return client.readResponse();
        } catch (AssertionError missing) {
            throw new AssertionFailedError(context + ": " + missing.getMessage(), missing);
        }
    }

    private static int firstDifference(byte[] expected, byte[] actual) {
        int length = Math.min(expected.length, actual.length);
        for (int i = 0; i < length; i++) {
            if (expected[i] != actual[i]) {
                return i;
            }
        }
        return expected.length == actual.length ? -1 : length;
    }
}
