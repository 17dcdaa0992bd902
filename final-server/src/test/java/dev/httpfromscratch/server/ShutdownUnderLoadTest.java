package dev.httpfromscratch.server;

import static dev.httpfromscratch.testkit.ResponseAssert.assertThatResponse;
import static org.assertj.core.api.Assertions.assertThat;

import dev.httpfromscratch.testkit.RawConnection;
import dev.httpfromscratch.testkit.RawResponse;
import dev.httpfromscratch.testkit.RunningServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Graceful shutdown with work in flight (docs/07-security.md, "Shutdown under load"): every
 * request the server had begun before close() (or SIGTERM) gets its whole response, byte for byte
 * against its Content-Length; nothing is cut mid-response; connections with nothing in flight are
 * closed; the process then exits. ShutdownTest covers one idle and one busy connection; this
 * class does it with forty clients of four kinds, and once with a real SIGTERM to a real process.
 */
@DisplayName("Final server: graceful shutdown under load")
class ShutdownUnderLoadTest {
    private static final String GET_ROOT = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
    private static final String GET_METRICS = "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n";
    private static final String BODY = "{\"k\":\"" + "v".repeat(200) + "\"}";
    private static final String POST_HEAD = "POST /api HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: " + BODY.length() + "\r\n\r\n";
    private static final int EACH = 10;

    @Test
    @DisplayName("close() with 40 clients (half-sent bodies, half-sent heads, 1,000 pipelined requests, idle keep-alive): every begun request is answered whole")
    void closeUnderLoad() throws Exception {
        try (RunningServer server = TestServers.start()) {
            FinalServer finalServer = TestServers.server(server);
            List<RawConnection> slowBodies = new ArrayList<>();
            List<RawConnection> slowHeads = new ArrayList<>();
            List<RawConnection> idle = new ArrayList<>();
            List<Socket> pipelined = new ArrayList<>();
            List<Integer> firstBytes = new ArrayList<>();
            try {
                String halfBody = POST_HEAD + BODY.substring(0, BODY.length() / 2);
                String halfHead = "GET / HTTP/1.1\r\nHost: x\r\n";
                for (int i = 0; i < EACH; i++) {
                    slowBodies.add(server.connect().send(halfBody));
                    slowHeads.add(server.connect().send(halfHead));
                }
                // Sent is not begun: wait until the server has read every one of those bytes (its
                // received-bytes counter), so each of these requests is in flight at close().
                long halves = (long) EACH * (halfBody.length() + halfHead.length());
                Conditions.await("the half-sent bodies and heads to reach the server", () -> Conditions.sample(finalServer,
                        "http_received_bytes_total", new String[0], new String[0]) >= halves, () -> "");
                for (int i = 0; i < EACH; i++) {
                    RawConnection keepAlive = server.connect();
                    assertThatResponse(keepAlive.send(GET_ROOT).readResponse()).hasStatus(200);
                    idle.add(keepAlive);
                    Socket socket = SlowClientsTest.smallWindowSocket(server.port());
                    socket.getOutputStream().write(GET_METRICS.repeat(1_000).getBytes(StandardCharsets.US_ASCII));
                    firstBytes.add(socket.getInputStream().read()); // the server has begun answering: its requests are in flight
                    pipelined.add(socket);
                }

                CompletableFuture<Void> closing = CompletableFuture.runAsync(() -> server.server().close());
                for (RawConnection connection : idle) {
                    assertThat(connection.awaitClose(RawConnection.DEFAULT_DEADLINE)).as("an idle keep-alive connection is closed at once")
                            .isEqualTo(RawConnection.Closed.BY_SERVER_EOF);
                    assertThat(connection.unreadBytes()).as("and sent nothing more").isEmpty();
                }
                for (RawConnection connection : slowBodies) {
                    RawResponse response = connection.send(BODY.substring(BODY.length() / 2)).readResponse();
                    assertThatResponse(response).as("a body half-sent before close(), finished after it").hasStatus(200)
                            .hasHeader("Connection", "close").hasBodyContaining("\"name\":\"k\"");
                    assertThat(connection.awaitClose(RawConnection.DEFAULT_DEADLINE)).isEqualTo(RawConnection.Closed.BY_SERVER_EOF);
                    assertThat(connection.unreadBytes()).as("nothing after the last response.%n%s", connection.transcript()).isEmpty();
                }
                for (RawConnection connection : slowHeads) {
                    assertThatResponse(connection.send("\r\n").readResponse()).as("a head half-sent before close()").hasStatus(200)
                            .hasHeader("Connection", "close");
                    assertThat(connection.awaitClose(RawConnection.DEFAULT_DEADLINE)).isEqualTo(RawConnection.Closed.BY_SERVER_EOF);
                }
                for (int i = 0; i < pipelined.size(); i++) {
                    InputStream in = pipelined.get(i).getInputStream();
                    byte[] rest = in.readAllBytes(); // until the server's FIN
                    byte[] everything = new byte[rest.length + 1];
                    everything[0] = (byte) (int) firstBytes.get(i);
                    System.arraycopy(rest, 0, everything, 1, rest.length);
                    ResponseStream.Parsed parsed = ResponseStream.parse(everything, false);
                    assertThat(parsed.clean()).as("pipelined client %d: every response whole, nothing cut: %s", i, parsed.problem()).isTrue();
                    List<ResponseStream.Response> responses = parsed.responses();
                    assertThat(responses).as("pipelined client %d: its responses", i).isNotEmpty().allMatch(response -> response.status() == 200);
                    assertThat(responses.get(responses.size() - 1).close())
                            .as("pipelined client %d: the last of %d responses says Connection: close, so the client knows the rest were not run", i, responses.size())
                            .isTrue();
                    assertThat(responses.subList(0, responses.size() - 1)).as("only the last one says close").noneMatch(ResponseStream.Response::close);
                }
                closing.get(RawConnection.DEFAULT_DEADLINE.toSeconds(), TimeUnit.SECONDS);
                assertThat(Conditions.activeConnections(finalServer)).isZero();
                assertThat(server.console().text()).contains("final-server: stopped").doesNotContain("unexpected error");
            } finally {
                slowBodies.forEach(RawConnection::close);
                slowHeads.forEach(RawConnection::close);
                idle.forEach(RawConnection::close);
                for (Socket socket : pipelined) {
                    socket.close();
                }
            }
        }
    }

    @Test
    @DisplayName("SIGTERM to a server process: requests whose head it had read are answered whole, then the process exits with code 0")
    void sigtermUnderLoad() throws Exception {
        String java = ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // The output goes to a file, not a pipe: reading a pipe while the process exits can lose
        // its last lines (the JDK drains and closes it under the reader), and those are the ones we check.
        Path output = Files.createTempFile("final-server-sigterm", ".log");
        Process process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "--port", "0", "--access-log", "off").redirectErrorStream(true).redirectOutput(output.toFile()).start();
        List<RawConnection> clients = new ArrayList<>();
        try {
            Conditions.await("the server process to say its port", () -> portIn(output) > 0, () -> read(output));
            int serverPort = portIn(output);
            for (int i = 0; i < EACH; i++) {
                // Expect: 100-continue makes the server say when it has read the head: the interim
                // 100 is the proof that this request is in flight before the signal.
                RawConnection client = RawConnection.open(serverPort).send(POST_HEAD.replace("\r\n\r\n", "\r\nExpect: 100-continue\r\n\r\n"));
                assertThatResponse(client.readResponse()).as("the interim answer to Expect: 100-continue").hasStatus(100);
                clients.add(client);
            }
            process.destroy(); // SIGTERM: ServerMain's handler calls System.exit(0), whose shutdown hook calls close()
            Conditions.await("the server to stop accepting after SIGTERM", () -> refuses(serverPort), () -> "port " + serverPort + " still accepts");
            for (RawConnection client : clients) {
                RawResponse response = client.send(BODY).readResponse();
                assertThatResponse(response).as("a request in flight at SIGTERM").hasStatus(200).hasHeader("Connection", "close")
                        .hasBodyContaining("\"name\":\"k\"");
                assertThat(client.awaitClose(RawConnection.DEFAULT_DEADLINE)).isEqualTo(RawConnection.Closed.BY_SERVER_EOF);
            }
            assertThat(process.waitFor(RawConnection.DEFAULT_DEADLINE.toSeconds(), TimeUnit.SECONDS))
                    .as("the process exits once its requests are answered").isTrue();
            assertThat(process.exitValue()).as("the exit code after a graceful stop (143 = killed by SIGTERM, which supervisors count as a failure)")
                    .isZero();
            assertThat(read(output)).as("the process output").contains("final-server: shutting down").contains("final-server: stopped");
        } finally {
            clients.forEach(RawConnection::close);
            process.destroyForcibly();
            Files.deleteIfExists(output);
        }
    }

    private static final Pattern LISTENING = Pattern.compile("listening on port (\\d+)");

    /** The port the server printed in {@code output}, or 0 before it did. */
    private static int portIn(Path output) {
        Matcher matcher = LISTENING.matcher(read(output));
        return matcher.find() ? Integer.parseInt(matcher.group(1)) : 0;
    }

    private static String read(Path output) {
        try {
            return Files.readString(output, StandardCharsets.UTF_8);
        } catch (IOException unreadable) {
            return "";
        }
    }

    private static boolean refuses(int port) {
        try (Socket probe = new Socket(InetAddress.getLoopbackAddress(), port)) {
            return false;
        } catch (ConnectException refused) {
            return true;
        } catch (IOException other) {
            return true;
        }
    }
}
