package dev.httpfromscratch.server;

import static dev.httpfromscratch.testkit.ResponseAssert.assertThatResponse;
import static org.assertj.core.api.Assertions.assertThat;

import dev.httpfromscratch.step3.HttpResponse;
import dev.httpfromscratch.testkit.RawConnection;
import dev.httpfromscratch.testkit.RawResponse;
import dev.httpfromscratch.testkit.RunningServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Draining the way load balancers expect (docs/05-final-server.md, "Running it in production"):
 * readiness turns 503 while the port still accepts, the port closes only after the drain delay,
 * a connection in its lingering close keeps lingering, and close() keeps its own deadline even
 * when a handler never returns.
 */
@DisplayName("Final server: draining for load balancers")
class DrainTest {
    private static final Duration DEADLINE = RawConnection.DEFAULT_DEADLINE;

    /** What one fresh client saw asking GET /ready: 200, 503 or "refused" (the port was closed). */
    private static String probeReady(int port) {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout((int) DEADLINE.toMillis());
            socket.getOutputStream().write("GET /ready HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            byte[] answer = socket.getInputStream().readAllBytes();
            String text = new String(answer, StandardCharsets.US_ASCII);
            return text.length() >= 12 ? text.substring(9, 12) : "empty answer";
        } catch (ConnectException refused) {
            return "refused";
        } catch (IOException other) {
            return "failed: " + other.getMessage();
        }
    }

    @Test
    @DisplayName("after close(), fresh clients see /ready 200, then 503, then a refused connection: never refused before 503")
    void readinessTurnsBeforeThePortCloses() throws Exception {
        try (RunningServer server = TestServers.startWith(options -> options.withDrainDelay(Duration.ofMillis(1500)))) {
            int port = server.port();
            assertThat(probeReady(port)).isEqualTo("200");
            CompletableFuture<Void> closing = CompletableFuture.runAsync(() -> server.server().close());
            List<String> seen = new ArrayList<>();
            long giveUp = System.nanoTime() + DEADLINE.toNanos();
            while (!seen.contains("refused") && System.nanoTime() < giveUp) {
                String outcome = probeReady(port);
                if (seen.isEmpty() || !seen.get(seen.size() - 1).equals(outcome)) {
                    seen.add(outcome);
                }
                Thread.sleep(20);
            }
            closing.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
            assertThat(seen).as("what successive fresh clients saw, in order, after close() began (duplicates folded)")
                    .endsWith("503", "refused")
                    .containsAnyOf("503")
                    .doesNotContain("empty answer")
                    .allMatch(outcome -> outcome.equals("200") || outcome.equals("503") || outcome.equals("refused"));
        }
    }

    @Test
    @DisplayName("during the drain delay a new client is served (with Connection: close), not refused with 503")
    void servesNewClientsDuringTheDrainDelay() throws Exception {
        try (RunningServer server = TestServers.startWith(options -> options.withDrainDelay(Duration.ofMillis(1500)))) {
            FinalServer finalServer = TestServers.server(server);
            CompletableFuture<Void> closing = CompletableFuture.runAsync(() -> server.server().close());
            Conditions.await("the server to begin draining", () -> Conditions.sample(finalServer, "http_server_draining",
                    new String[0], new String[0]) == 1, () -> "not draining yet");
            try (RawConnection client = server.connect()) {
                RawResponse response = client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").readResponse();
                assertThatResponse(response).as("a client a load balancer sent before it saw /ready turn 503")
                        .hasStatus(200).hasHeader("Connection", "close");
            }
            closing.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        }
    }

    @Test
    @DisplayName("a connection in its lingering close when close() comes keeps lingering: the client's late bytes are read, not answered by RST")
    void drainLeavesLingeringConnectionsLingering() throws Exception {
        try (RunningServer server = TestServers.start(); RawConnection client = server.connect()) {
            // Bytes behind the Connection: close request make the server linger: closing at once
            // with them unread would send RST (a close with nothing unread needs no lingering).
            RawResponse response = client.send("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\nGET /").readResponse();
            assertThatResponse(response).hasStatus(200).hasHeader("Connection", "close");
            int port = server.port();
            CompletableFuture<Void> closing = CompletableFuture.runAsync(() -> server.server().close());
            Conditions.await("the port to close (the loops drain next)", () -> probeReady(port).equals("refused"), () -> "still accepting");
            Thread.sleep(200); // the loops' drain step has run by now; a lingering connection must still be open
            client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n"); // a client that pipelined before it saw the close
            assertThat(client.awaitClose(Duration.ofMillis(300)))
                    .as("the server still reads (and drops) what the client sends: closing with unread bytes would send RST")
                    .isNotEqualTo(RawConnection.Closed.BY_SERVER_RESET);
            assertThat(closing).as("close() waits for the lingering connection").isNotDone();
            client.close();
            closing.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        }
    }

    @Test
    @DisplayName("a handler that never returns cannot hold close() past the shutdown timeout plus a small margin")
    void stuckHandlerCannotHoldShutdown() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Duration shutdownTimeout = Duration.ofMillis(500);
        ServerConfig config = TestServers.config().withShutdownTimeout(shutdownTimeout);
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        FinalServer server = new FinalServer(config, RunOptions.defaults(), quiet, quiet, router -> router.get("/stuck", request -> {
            try {
                release.await(); // never returns while the test holds the latch
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
            return HttpResponse.text(200, "late\n");
        }));
        server.start();
        try (RawConnection client = RawConnection.open(server.port())) {
            client.send("GET /stuck HTTP/1.1\r\nHost: x\r\n\r\n");
            Conditions.await("the stuck request to reach its handler", () -> Conditions.sample(server, "http_received_bytes_total",
                    new String[0], new String[0]) > 0, () -> "nothing received");
            Thread.sleep(100);
            long start = System.nanoTime();
            CompletableFuture<Void> closing = CompletableFuture.runAsync(server::close);
            closing.get(DEADLINE.toSeconds(), TimeUnit.SECONDS); // a hang (join(0)) or an exception fails here
            long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertThat(tookMillis).as("close() with a handler that never returns: the shutdown timeout is %d ms", shutdownTimeout.toMillis())
                    .isLessThan(shutdownTimeout.toMillis() + 1_500);
        } finally {
            release.countDown();
        }
    }
}
