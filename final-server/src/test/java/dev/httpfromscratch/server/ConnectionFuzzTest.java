package dev.httpfromscratch.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.BugDetectors;
import com.code_intelligence.jazzer.api.SilentCloseable;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.httpfromscratch.step3.ParserLimits;
import dev.httpfromscratch.testkit.RawConnection;
import dev.httpfromscratch.testkit.RunningServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.Arrays;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;

/**
 * Coverage-guided fuzzing of the whole connection state machine over a real socket
 * (docs/07-security.md, "Fuzzing"): parser, chunked decoder, Host check, 100-continue, pipelining,
 * backpressure, lingering close, all at once. RequestParserFuzzTest in step 3 fuzzes the parser
 * alone; this one fuzzes what the event loop does with the parser's answers.
 *
 * <p>Input: the first byte chooses the size of the writes (1 to 64 bytes, each its own segment:
 * TCP_NODELAY), the rest is what the client sends, then it half-closes and reads until the server
 * closes. Whatever the bytes, the conversation must be: whole HTTP/1.1 responses, each with a
 * status from the server's own list (never 500), nothing after a {@code Connection: close}, no
 * byte of a response missing, nothing unexpected on the server's console, and the server closes
 * the connection (it never hangs on a client that has finished).
 *
 * <p>{@code mvn test} replays the inputs in
 * {@code src/test/resources/dev/httpfromscratch/server/ConnectionFuzzTestInputs/fuzzConnection}
 * (regression mode). A fuzzing run (10 minutes; the figures are in docs/07-security.md):
 * <pre>{@code JAZZER_FUZZ=1 mvn -pl final-server test -Dtest=ConnectionFuzzTest -Dsurefire.failIfNoSpecifiedTests=false -Djazzer.max_duration=10m}</pre>
 */
@DisplayName("Final server: the connection state machine under fuzzing")
class ConnectionFuzzTest {
    /** Every status the server answers on its own; 500 is missing on purpose. */
    private static final Set<Integer> STATUSES = Set.of(100, 200, 204, 400, 404, 405, 408, 413, 414, 415, 417, 431, 501, 505);
    /** Small limits, so the fuzzer reaches every limit within a few hundred bytes. */
    private static final ParserLimits SMALL = new ParserLimits(64, 256, 8, 64);
    private static RunningServer server;

    @BeforeAll
    static void start() {
        server = TestServers.start(config -> config.withParserLimits(SMALL));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @FuzzTest(maxDuration = "60s")
    @DisplayName("any bytes, cut into any writes: whole responses with known statuses, then a close")
    void fuzzConnection(byte[] input) throws IOException {
        if (input.length < 2) {
            return;
        }
        int writeSize = 1 + (input[0] & 0xff) % 64;
        byte[] sent = Arrays.copyOfRange(input, 1, input.length);
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        boolean reset = false;
        // Jazzer's SSRF detector reports every outgoing connection during fuzzing; this one, to
        // our own server on the loopback interface, is the point of the test.
        try (SilentCloseable loopbackOnly = BugDetectors.allowNetworkConnections(
                (host, port) -> port == server.port() && (host.equals("localhost") || host.startsWith("127.")));
             Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout((int) RawConnection.DEFAULT_DEADLINE.toMillis());
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            try {
                for (int from = 0; from < sent.length; from += writeSize) {
                    out.write(sent, from, Math.min(writeSize, sent.length - from));
                    out.flush();
                }
                socket.shutdownOutput();
            } catch (SocketException closedByServer) {
                // the server refused the request and closed: what it answered is still to be read
            }
            try {
                in.transferTo(received);
            } catch (SocketTimeoutException hang) {
                throw new AssertionError("the server neither answered nor closed within " + RawConnection.DEFAULT_DEADLINE.toSeconds()
                        + " s after the client finished sending; it had sent " + received.size() + " bytes", hang);
            } catch (SocketException connectionReset) {
                reset = true; // RST after a refusal with unread bytes: the tail may be lost, the head must still be right
            }
        }
        ResponseStream.Parsed parsed = ResponseStream.parse(received.toByteArray(), true);
        if (!reset) {
            assertThat(parsed.clean()).as("the server's bytes must be whole responses: %s", parsed.problem()).isTrue();
        }
        boolean closed = false;
        for (ResponseStream.Response response : parsed.responses()) {
            assertThat(closed).as("no response may follow one that said Connection: close").isFalse();
            assertThat(STATUSES).as("status %d at byte %d", response.status(), response.offset()).contains(response.status());
            closed = response.close();
        }
        String console = server.console().text();
        assertThat(console).as("the server's console").doesNotContain("unexpected error").doesNotContain("handler failed")
                .doesNotContain(" stopped");
    }
}
