package dev.httpfromscratch.server;

import static dev.httpfromscratch.testkit.ResponseAssert.assertThatResponse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.httpfromscratch.testkit.Points;
import dev.httpfromscratch.testkit.Stage;
import dev.httpfromscratch.testkit.RawConnection;
import dev.httpfromscratch.testkit.RunningServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Graceful shutdown (what SIGTERM and Ctrl-C trigger through ServerMain's shutdown hook): stop
 * accepting, close idle connections, finish requests in flight, and give up at a deadline.
 */
@Stage(value = 4, title = "the whole server, over real sockets", section = "docs/05-final-server.md#what-the-grader-checks")
@DisplayName("Final server: graceful shutdown")
class ShutdownTest {
    private static final Duration DEADLINE = RawConnection.DEFAULT_DEADLINE;
    private static final String GET_ROOT = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";

    @Test
    @Points(3)
    @DisplayName("close(): idle connections are closed, a request in flight is finished (with Connection: close), new clients are refused")
    void drainsGracefully() throws Exception {
        try (RunningServer server = TestServers.start()) {
            int port = server.port();
            RawConnection idle = server.connect();
            RawConnection busy = server.connect();
            try {
                assertThatResponse(idle.send(GET_ROOT).readResponse()).hasStatus(200);
                busy.send("GET /health HTTP/1.1\r\nHost: x\r\n"); // the head is not over: a request in flight
                CompletableFuture<Void> closing = CompletableFuture.runAsync(() -> server.server().close());
                assertThat(idle.awaitClose(DEADLINE)).as("the idle keep-alive connection is closed at once").isEqualTo(RawConnection.Closed.BY_SERVER_EOF);
                busy.send("\r\n");
                assertThatResponse(busy.readResponse()).as("the request in flight is answered; /health says the server is going away")
                        .hasStatus(503).hasHeader("Connection", "close");
                closing.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
                assertThat(busy.awaitClose(DEADLINE)).isEqualTo(RawConnection.Closed.BY_SERVER_EOF);
                assertThatThrownBy(() -> new Socket(InetAddress.getLoopbackAddress(), port).close())
                        .as("after close() the port no longer accepts").isInstanceOf(IOException.class);
                assertThat(server.console().text()).contains("final-server: stopped");
            } finally {
                idle.close();
                busy.close();
            }
        }
    }

    @Test // not graded: the starter closes the connection at its first read, so this would pass on it
    @DisplayName("close() gives up on a request that never finishes at the shutdown deadline")
    void shutdownDeadline() throws Exception {
        try (RunningServer server = TestServers.start(config -> config.withShutdownTimeout(Duration.ofMillis(300)));
             RawConnection stuck = server.connect()) {
            stuck.send("POST /api HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{");
            CompletableFuture<Void> closing = CompletableFuture.runAsync(() -> server.server().close());
            closing.get(DEADLINE.toSeconds(), TimeUnit.SECONDS); // returns: the deadline closed the stuck connection
            assertThat(stuck.awaitClose(DEADLINE)).isNotEqualTo(RawConnection.Closed.STILL_OPEN);
            assertThat(Conditions.sample(TestServers.server(server), "http_shutdown_forced_closes_total", new String[0], new String[0]))
                    .as("the connection the deadline cut off is counted").isEqualTo(1);
            assertThat(server.console().text()).as("and reported").contains("the shutdown deadline closed 1 connection(s)");
        }
    }
}
