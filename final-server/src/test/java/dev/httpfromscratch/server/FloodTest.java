package dev.httpfromscratch.server;

import static dev.httpfromscratch.testkit.ResponseAssert.assertThatResponse;
import static org.assertj.core.api.Assertions.assertThat;

import dev.httpfromscratch.testkit.ConnectionGroup;
import dev.httpfromscratch.testkit.RawConnection;
import dev.httpfromscratch.testkit.RawResponse;
import dev.httpfromscratch.testkit.RunningServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Floods (docs/07-security.md, "Floods"): thousands of clients that connect and reset, more
 * than a thousand open at once, and more than max-connections. Through all of them the server
 * keeps answering well-behaved clients, and its connection gauge comes back to zero.
 *
 * <p>The counts are moderate by default so {@code mvn verify} stays quick on two cores; the soak
 * profile raises them ({@code mvn -Psoak ...}, which sets {@code flood.resets} and
 * {@code flood.concurrent}). 1,500 open connections are 3,000 descriptors in this JVM (both ends
 * live here); the JVM raises its soft RLIMIT_NOFILE to the hard limit at start (-XX:+MaxFDLimit,
 * on by default), and the test checks that limit first so a low {@code ulimit -n} gives a clear message.
 */
@DisplayName("Final server: connection floods")
class FloodTest {
    private static final String GET_ROOT = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
    private static final int RESETS = Integer.getInteger("flood.resets", 2_000);
    private static final int CONCURRENT = Integer.getInteger("flood.concurrent", 1_500);

    @Test
    @DisplayName("2,000 clients that connect and reset (at once, mid-request, or before reading the answer) leave the server serving and its gauge at zero")
    void connectAndReset() throws Exception {
        try (RunningServer server = TestServers.start()) {
            FinalServer finalServer = TestServers.server(server);
            int threads = 4;
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int first = t;
                done.add(pool.submit(() -> {
                    for (int i = first; i < RESETS; i += threads) {
                        resetClient(server.port(), i % 3);
                    }
                    return null;
                }));
            }
            try (RawConnection wellBehaved = server.connect()) {
                for (int i = 0; i < 20; i++) { // served while the flood goes on
                    assertThatResponse(wellBehaved.send(GET_ROOT).readResponse()).as("a keep-alive client during the flood").hasStatus(200);
                }
            }
            for (Future<?> future : done) {
                future.get(RawConnection.DEFAULT_DEADLINE.toSeconds() * 8, TimeUnit.SECONDS);
            }
            pool.shutdown();
            try (RawConnection after = server.connect()) {
                assertThatResponse(after.send(GET_ROOT).readResponse()).as("a new client after the flood").hasStatus(200);
            }
            Conditions.await("every reset connection to be closed by the server (http_connections_active back to 0)",
                    () -> Conditions.activeConnections(finalServer) == 0, () -> Conditions.activeConnections(finalServer));
            assertThat(server.console().text()).as("the server's console after %d resets", RESETS)
                    .doesNotContain("unexpected error").doesNotContain(" stopped");
        }
    }

    /** Connects and closes with SO_LINGER 0 (an RST): at once (0), after half a request (1), after a whole one (2). */
    private static void resetClient(int port, int kind) throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
        try {
            OutputStream out = socket.getOutputStream();
            if (kind == 1) {
                out.write("GET / HTTP/1.1\r\nHost: x\r\nX-Half: ".getBytes(StandardCharsets.US_ASCII));
            } else if (kind == 2) {
                // GET /, not /metrics: each /metrics answer costs its event loop a millisecond or more
                // (docs/07-security.md, "Floods"), and 7,000 of them in the soak run starve the
                // well-behaved client for longer than the hang deadline.
                out.write(GET_ROOT.getBytes(StandardCharsets.US_ASCII));
            }
        } finally {
            socket.setSoLinger(true, 0);
            socket.close();
        }
    }

    @Test
    @DisplayName("1,500 connections open at once are all served, and all released when they close")
    void manyConcurrentConnections() throws Exception {
        long needed = 2L * CONCURRENT + 200;
        assertThat(openFilesLimit()).as("this test holds %d connections, both ends in this JVM: raise `ulimit -n` to at least %d "
                + "(docs/07-security.md, 'Floods')", CONCURRENT, needed).isGreaterThanOrEqualTo(needed);
        try (RunningServer server = TestServers.start(); ConnectionGroup clients = ConnectionGroup.open(server.port(), CONCURRENT)) {
            FinalServer finalServer = TestServers.server(server);
            for (RawConnection client : clients.connections()) {
                client.send(GET_ROOT);
            }
            int served = 0;
            for (RawConnection client : clients.connections()) {
                RawResponse response = client.readResponse();
                assertThatResponse(response).as("client %d of %d", served + 1, CONCURRENT).hasStatus(200);
                served++;
            }
            assertThat(served).isEqualTo(CONCURRENT);
            Conditions.await(CONCURRENT + " connections open on the server at once", () -> Conditions.activeConnections(finalServer) == CONCURRENT,
                    () -> Conditions.activeConnections(finalServer));
            clients.close();
            Conditions.await("all of them released after the clients closed", () -> Conditions.activeConnections(finalServer) == 0,
                    () -> Conditions.activeConnections(finalServer));
        }
    }

    @Test
    @DisplayName("500 clients beyond max-connections each get 503 and a close, while the connections already open keep being served")
    void beyondMaxConnections() {
        int max = 50;
        int extra = 500;
        try (RunningServer server = TestServers.start(config -> config.withMaxConnections(max));
             ConnectionGroup open = ConnectionGroup.open(server.port(), max)) {
            FinalServer finalServer = TestServers.server(server);
            for (RawConnection client : open.connections()) {
                assertThatResponse(client.send(GET_ROOT).readResponse()).hasStatus(200);
            }
            for (int i = 0; i < extra; i++) {
                try (RawConnection refused = server.connect()) {
                    assertThatResponse(refused.readResponse()).as("connection %d beyond the limit of %d", i + 1, max)
                            .hasStatus(503).hasHeader("Connection", "close").hasHeader("Retry-After", "1");
                }
                if (i % 100 == 0) {
                    RawConnection kept = open.get(i % max);
                    assertThatResponse(kept.send(GET_ROOT).readResponse()).as("an open connection during the flood").hasStatus(200);
                }
            }
            for (RawConnection client : open.connections()) {
                assertThatResponse(client.send(GET_ROOT).readResponse()).as("the open connections after the flood").hasStatus(200);
            }
            assertThat(Conditions.sample(finalServer, "http_connections_rejected_total", new String[0], new String[0]))
                    .as("http_connections_rejected_total").isEqualTo(extra);
            open.close();
            Conditions.await("the open connections released", () -> Conditions.activeConnections(finalServer) == 0,
                    () -> Conditions.activeConnections(finalServer));
            try (RawConnection later = server.connect()) {
                assertThatResponse(later.send(GET_ROOT).readResponse()).as("a new client once the slots are free").hasStatus(200);
            }
        }
    }

    @Test
    @DisplayName("a client that pipelines 3,000 requests and resets: once a write fails, the requests behind it are not run, counted or logged")
    void pipelineThenReset() throws Exception {
        String missing = "GET /nowhere HTTP/1.1\r\nHost: x\r\n\r\n"; // the router's 404: a handler run per request
        try (RunningServer server = TestServers.start(config -> config.withEventLoops(1))) {
            FinalServer finalServer = TestServers.server(server);
            int answerBytes;
            try (RawConnection probe = server.connect()) {
                probe.send(missing).readResponse();
                answerBytes = probe.receivedBytes().length; // one 404 as the server sends it
            }
            int connections = 20;
            for (int i = 0; i < connections; i++) {
                Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port());
                socket.getOutputStream().write(missing.repeat(3_000).getBytes(StandardCharsets.US_ASCII));
                socket.setSoLinger(true, 0);
                socket.close(); // RST: the server's next write fails with ECONNRESET or EPIPE
            }
            Conditions.await("every reset connection to be closed", () -> Conditions.activeConnections(finalServer) == 0,
                    () -> Conditions.activeConnections(finalServer));
            double counted = Conditions.sample(finalServer, "http_requests_total", new String[] {"method", "status"}, new String[] {"GET", "404"}) - 1;
            double sent = Conditions.sample(finalServer, "http_sent_bytes_total", new String[0], new String[0]) - answerBytes;
            // What a closed connection may still count: the answers in the event loop's 64 KiB
            // write buffer when the write failed, and the one being added to it.
            double allowed = sent / answerBytes + connections * (64.0 * 1024 / answerBytes + 1);
            assertThat(counted).as("404s counted for %d connections that each pipelined 3,000 requests and reset: the server sent %.0f bytes"
                    + " (%.0f answers of %d bytes), so at most %.0f were answered or being written when a write failed", connections, sent,
                    sent / answerBytes, answerBytes, allowed).isLessThanOrEqualTo(allowed);
        }
    }

    /** The soft RLIMIT_NOFILE of this JVM, from /proc/self/limits ("Max open files  <soft>  <hard>  files"). */
    static long openFilesLimit() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
            if (line.startsWith("Max open files")) {
                String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
                return soft.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(soft);
            }
        }
        return Long.MAX_VALUE;
    }
}
