package dev.httpfromscratch.server;

import static dev.httpfromscratch.testkit.ResponseAssert.assertThatResponse;
import static org.assertj.core.api.Assertions.assertThat;

import dev.httpfromscratch.testkit.RawConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A server whose standard output nobody reads (a stuck log shipper, a paused terminal): the pipe
 * fills after 64 KiB of access log, and a server that printed from its event loops would stop
 * answering. This one drops log lines (and counts them) instead.
 */
@DisplayName("Final server: a blocked standard output")
class BlockedOutputTest {
    private static final int REQUESTS = 1_500; // ~400 bytes of access log each: ten times a pipe's 64 KiB

    @Test
    @DisplayName("with its stdout on a pipe nobody reads, the server keeps answering /health and requests, counts the dropped lines, and stops on SIGTERM")
    void keepsServingWhenStdoutIsNotRead() throws Exception {
        String java = ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        Path stderr = Files.createTempFile("final-server-blocked", ".log");
        // stdout stays a pipe (ProcessBuilder's default) that this test never reads.
        Process process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "--port", String.valueOf(port), "--access-log", "on", "--drain-delay-ms", "0", "--event-loops", "1")
                .redirectError(stderr.toFile()).start();
        try {
            int serverPort = port;
            Conditions.await("the server process to accept on port " + port, () -> Conditions.accepts(serverPort), () -> Conditions.readOrEmpty(stderr));
            String longTarget = "/" + "x".repeat(300);
            try (RawConnection client = RawConnection.open(port)) {
                for (int i = 0; i < REQUESTS; i++) {
                    assertThatResponse(client.send("GET " + longTarget + " HTTP/1.1\r\nHost: x\r\n\r\n").readResponse())
                            .as("request %d of %d, its access log line unread (server stderr: %s)", i + 1, REQUESTS, Conditions.readOrEmpty(stderr)).hasStatus(404);
                }
            }
            try (RawConnection client = RawConnection.open(port)) {
                assertThatResponse(client.send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n").readResponse()).hasStatus(200);
                assertThatResponse(client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").readResponse()).hasStatus(200);
                String metrics = client.send("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n").readResponse().bodyText();
                assertThat(metrics).as("the exposition").doesNotContain("final_server_log_dropped_total 0.0").contains("final_server_log_dropped_total ");
            }
            process.destroy(); // SIGTERM
            assertThat(process.waitFor(RawConnection.DEFAULT_DEADLINE.toSeconds(), TimeUnit.SECONDS))
                    .as("the process exits after SIGTERM although its stdout is still full; its stderr:%n%s", Conditions.readOrEmpty(stderr)).isTrue();
            assertThat(process.exitValue()).as("a graceful stop exits 0").isZero();
        } finally {
            process.destroyForcibly();
            Files.deleteIfExists(stderr);
        }
    }
}
