package dev.httpfromscratch.server;

import static dev.httpfromscratch.testkit.ResponseAssert.assertThatResponse;
import static org.assertj.core.api.Assertions.assertThat;

import dev.httpfromscratch.testkit.RawConnection;
import dev.httpfromscratch.testkit.RawResponse;
import dev.httpfromscratch.testkit.RunningServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Clients that are slow, silent, lying about their size or half gone (docs/07-security.md,
 * "Slow and silent clients"). LimitsAndTimeoutsTest already covers the trickled header, the idle
 * keep-alive close, the silent connection and the stalled body; this class adds the rest. Every
 * timeout is set tiny (200 ms) so the tests assert what happened, never how long it took.
 */
@DisplayName("Final server: slow, silent and half-closed clients")
class SlowClientsTest {
    private static final Duration DEADLINE = RawConnection.DEFAULT_DEADLINE;
    private static final Duration SHORT = Duration.ofMillis(200);
    private static final String GET_ROOT = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
    private static final String GET_METRICS = "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n";

    @Test
    @DisplayName("a declared 10 GiB body gets 413 at once, before a single body byte is sent, and a close")
    void tenGibibyteContentLength() {
        try (RunningServer server = TestServers.start(); RawConnection client = server.connect()) {
            RawResponse response = client.send("POST /api HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
                    + 10L * 1024 * 1024 * 1024 + "\r\n\r\n").readResponse();
            assertThatResponse(response).hasStatus(413).hasHeader("Connection", "close");
            assertThat(client.awaitClose(DEADLINE)).as("after 413 the server closes.%n%s", client.transcript())
                    .isEqualTo(RawConnection.Closed.BY_SERVER_EOF);
        }
    }

    @Test
    @DisplayName("a chunk that declares 10 GiB gets 413 when its size line ends, before its data")
    void tenGibibyteChunk() {
        try (RunningServer server = TestServers.start(); RawConnection client = server.connect()) {
            RawResponse response = client.send("POST /api HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + Long.toHexString(10L * 1024 * 1024 * 1024) + "\r\n").readResponse();
            assertThatResponse(response).hasStatus(413).hasHeader("Connection", "close");
        }
    }

    @Test
    @DisplayName("body deadline: a body trickled a byte at a time, far faster than the timeout, is still cut off with 408")
    void tricklingBodyIsCutOff() throws IOException {
        try (RunningServer server = TestServers.start(config -> config.withBodyTimeout(SHORT))) {
            String answer = trickle(server.port(), "POST /api HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n");
            assertThat(answer).as("a body that never ends, trickled a byte every few milliseconds, must get 408 and a close; the server sent:%n%s", answer)
                    .startsWith("HTTP/1.1 408 ").contains("Connection: close");
        }
    }

    @Test
    @DisplayName("write timeout: a client that sends requests and never reads the answers is closed, and counted as a write timeout")
    void clientThatNeverReads() throws IOException {
        try (RunningServer server = TestServers.start(config -> config.withWriteTimeout(SHORT));
             Socket client = smallWindowSocket(server.port())) {
            FinalServer finalServer = TestServers.server(server);
            // Each /metrics answer is several KiB: 2,000 of them are more than the server's send
            // buffer (at most 4 MiB here, net.ipv4.tcp_wmem) and this client's 4 KiB window, so
            // the server's write() returns 0 and the connection waits in the WRITE phase.
            client.getOutputStream().write(GET_METRICS.repeat(2_000).getBytes(StandardCharsets.US_ASCII));
            Conditions.await("the server to give up on a client that does not read (http_timeouts_total{phase=\"write\"})",
                    () -> Conditions.sample(finalServer, "http_timeouts_total", new String[] {"phase"}, new String[] {"write"}) >= 1,
                    () -> "active connections " + Conditions.activeConnections(finalServer));
            Conditions.await("the connection to be closed", () -> Conditions.activeConnections(finalServer) == 0,
                    () -> "active connections " + Conditions.activeConnections(finalServer));
        }
    }

    @Test
    @DisplayName("half-close after a request: the client still gets the whole response, then the server closes")
    void halfCloseAfterRequest() {
        try (RunningServer server = TestServers.start(); RawConnection client = server.connect()) {
            client.send(GET_ROOT).shutdownOutput();
            assertThatResponse(client.readResponse()).hasStatus(200);
            assertThat(client.awaitClose(DEADLINE)).isEqualTo(RawConnection.Closed.BY_SERVER_EOF);
        }
    }

    @Test
    @DisplayName("half-close after a request cut short: no answer (nobody can complete it), just a close")
    void halfCloseMidRequest() {
        try (RunningServer server = TestServers.start(); RawConnection client = server.connect()) {
            client.send("GET / HTTP/1.1\r\nHost: x\r\n").shutdownOutput();
            assertThat(client.awaitClose(DEADLINE)).isEqualTo(RawConnection.Closed.BY_SERVER_EOF);
            assertThat(client.unreadBytes()).as("a request cut short by the client's FIN gets no response.%n%s", client.transcript()).isEmpty();
        }
    }

    @Test
    @DisplayName("half-close after 1,000 pipelined requests whose answers fill the socket: every one is answered before the close")
    void halfCloseAfterPipelinedRequests() throws IOException {
        int requests = 1_000;
        try (RunningServer server = TestServers.start(); Socket client = smallWindowSocket(server.port())) {
            // 1,000 answers of several KiB are more than the socket buffers hold, so the server
            // stops parsing (backpressure) and still holds unparsed requests when the FIN arrives.
            client.getOutputStream().write(GET_METRICS.repeat(requests).getBytes(StandardCharsets.US_ASCII));
            client.shutdownOutput();
            byte[] everything = client.getInputStream().readAllBytes(); // until the server's FIN
            ResponseStream.Parsed parsed = ResponseStream.parse(everything, false);
            assertThat(parsed.clean()).as("the stream of answers: %s", parsed.problem()).isTrue();
            assertThat(parsed.responses()).as("a half-closed client is owed an answer to every request it sent before its FIN")
                    .hasSize(requests).allMatch(response -> response.status() == 200);
        }
    }

    @Test
    @DisplayName("write timeout is a stall timer: a client reading a large pipelined backlog slowly but steadily gets all of it; one that stops reading is cut off")
    void slowButSteadyReader() throws Exception {
        Duration stall = Duration.ofSeconds(1);
        // About 5 MB of answers: more than the server's socket send buffer takes (up to 4 MiB,
        // net.ipv4.tcp_wmem), so the server holds output of its own and the write timeout runs.
        int requests = Integer.getInteger("slowreader.requests", 320);
        try (RunningServer server = TestServers.start(config -> config.withWriteTimeout(stall))) {
            FinalServer finalServer = TestServers.server(server);
            byte[] received;
            try (Socket client = smallWindowSocket(server.port())) {
                // The last request says Connection: close, so the end of the backlog is the server's FIN.
                send(client, GET_METRICS.repeat(requests - 1) + GET_METRICS.replace("\r\n\r\n", "\r\nConnection: close\r\n\r\n"));
                received = readSlowly(client, Long.MAX_VALUE);
            }
            ResponseStream.Parsed parsed = ResponseStream.parse(received, false);
            assertThat(parsed.responses()).as("responses to %d pipelined GET /metrics received by a client reading 4 KiB every 5 ms (%d bytes"
                    + " in all, read over many times the write timeout of %d ms); http_timeouts_total{phase=\"write\"} = %s", requests, received.length, stall.toMillis(),
                    writeTimeouts(finalServer)).hasSize(requests);

            try (Socket client = smallWindowSocket(server.port())) {
                send(client, GET_METRICS.repeat(2_000)); // more than the socket buffers hold
                readSlowly(client, 256 * 1024); // reads steadily for a while, then stops
                Conditions.await("the server to give up on a client that stopped reading (http_timeouts_total{phase=\"write\"})",
                        () -> writeTimeouts(finalServer) >= 1, () -> "active connections " + Conditions.activeConnections(finalServer));
            }
        }
    }

    /**
     * Reads 4 KiB every 5 ms: at most 800 KB/s, so the server's epoll hears of room in its send
     * buffer (a third of 4 MiB free) only every second or two, but the client never pauses near
     * the timeout. Reads until the server's FIN or {@code limit} bytes.
     */
    private static byte[] readSlowly(Socket client, long limit) throws IOException, InterruptedException {
        java.io.ByteArrayOutputStream received = new java.io.ByteArrayOutputStream();
        InputStream in = client.getInputStream();
        byte[] piece = new byte[4096];
        int read;
        try {
            while (received.size() < limit && (read = in.read(piece)) >= 0) {
                received.write(piece, 0, read);
                Thread.sleep(5);
            }
        } catch (SocketTimeoutException | java.net.SocketException cutOff) {
            // the server reset or went silent: the caller's assertion shows how far the client got
        }
        return received.toByteArray();
    }

    private static double writeTimeouts(FinalServer server) {
        return Conditions.sample(server, "http_timeouts_total", new String[] {"phase"}, new String[] {"write"});
    }

    /** Writes {@code text} from a thread of its own (the write blocks while the server applies backpressure). */
    private static Thread send(Socket client, String text) {
        return Thread.ofPlatform().start(() -> {
            try {
                client.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
            } catch (IOException cutOff) {
                // the server closed: the reader says what it received
            }
        });
    }

    /**
     * A client socket with a 4 KiB receive buffer, set before connect() so the window it
     * announces in the handshake is small and the kernel does not grow it (SO_RCVBUF turns
     * receive-buffer autotuning off): the server's writes stall after a few megabytes.
     */
    static Socket smallWindowSocket(int port) throws IOException {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(4096);
        socket.connect(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        socket.setSoTimeout((int) DEADLINE.toMillis() * 2);
        return socket;
    }

    /**
     * Sends {@code prefix}, then one byte every few milliseconds (far more often than any
     * timeout), until the server answers and closes; returns what it sent.
     */
    static String trickle(int port, String prefix) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            socket.setSoTimeout(20); // each pause between bytes doubles as a quick look for an answer
            out.write(prefix.getBytes(StandardCharsets.US_ASCII));
            StringBuilder answer = new StringBuilder();
            long giveUp = System.nanoTime() + DEADLINE.toNanos();
            boolean ended = false;
            while (!ended && System.nanoTime() < giveUp) {
                try {
                    out.write(' ');
                } catch (IOException closedByServer) {
                    // the server closed its side: what it answered is still readable below
                }
                try {
                    int b;
                    while ((b = in.read()) >= 0) {
                        answer.append((char) b);
                    }
                    ended = true;
                } catch (SocketTimeoutException nothingYet) {
                    // keep trickling
                } catch (IOException reset) {
                    ended = true;
                }
            }
            return answer.toString();
        }
    }
}
