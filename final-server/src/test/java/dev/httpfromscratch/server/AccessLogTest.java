package dev.httpfromscratch.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.httpfromscratch.testkit.RawConnection;
import dev.httpfromscratch.testkit.RunningServer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The access log: step 1's "client connected" line per connection, and one line per request. */
@DisplayName("Final server: access log")
class AccessLogTest {
    private static final Duration DEADLINE = RawConnection.DEFAULT_DEADLINE;

    @Test
    @DisplayName("with the access log on, prints 'client connected' per connection and one line per request")
    void logsConnectionsAndRequests() {
        try (RunningServer server = TestServers.start(config -> config.withAccessLog(true));
             RawConnection client = server.connect()) {
            client.send("GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n").readResponse();
            String peer = "127.0.0.1:" + client.localPort();
            List<String> connected = server.console().awaitLines("client connected: " + peer, 1, DEADLINE);
            List<String> requests = server.console().awaitLines(peer + " \"GET /health HTTP/1.1\" 200", 1, DEADLINE);
            assertThat(connected).as("the console:%n%s", server.console().describe()).hasSize(1);
            assertThat(requests).as("the console:%n%s", server.console().describe()).hasSize(1);
        }
    }

    @Test
    @DisplayName("with the access log off, prints nothing per connection or request")
    void silentWhenOff() {
        try (RunningServer server = TestServers.start(); RawConnection client = server.connect()) {
            client.send("GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n").readResponse();
            assertThat(server.console().linesContaining("client connected")).isEmpty();
            assertThat(server.console().linesContaining("GET /health")).isEmpty();
        }
    }
}
