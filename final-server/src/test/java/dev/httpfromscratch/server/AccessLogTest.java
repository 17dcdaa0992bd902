package dev.httpfromscratch.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.httpfromscratch.testkit.RawConnection;
import dev.httpfromscratch.testkit.RunningServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The access log: one JSON line per request, with what an operator needs to find a request
 * again (time, peer, request line, status, bytes, duration, user agent, X-Forwarded-For), and
 * step 1's "client connected" line per connection when asked for.
 */
@DisplayName("Final server: access log")
class AccessLogTest {
    private static final Duration DEADLINE = RawConnection.DEFAULT_DEADLINE;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static JsonNode onlyLine(RunningServer server, String fragment) {
        List<String> lines = server.console().awaitLines(fragment, 1, DEADLINE);
        assertThat(lines).as("access log lines containing %s; the console:%n%s", fragment, server.console().describe()).hasSize(1);
        return JSON.readTree(lines.get(0));
    }

    @Test
    @DisplayName("one JSON line per request: ISO-8601 UTC time, peer, escaped target, status, bytes, duration, user agent, X-Forwarded-For")
    void logsOneJsonLinePerRequest() {
        try (RunningServer server = TestServers.start(config -> config.withAccessLog(true));
             RawConnection client = server.connect()) {
            Instant before = Instant.now().minusSeconds(1);
            String response = client.send("GET /a\"b\\c?q=1 HTTP/1.1\r\nHost: localhost\r\nUser-Agent: test \"agent\"/1.0\r\n"
                    + "X-Forwarded-For: 203.0.113.7, 10.0.0.1\r\n\r\n").readResponse().toString();
            JsonNode line = onlyLine(server, "/a\\\"b\\\\c?q=1");
            assertThat(Instant.parse(line.get("time").asString())).as("time, in %s", line).isAfter(before).isBefore(Instant.now().plusSeconds(1));
            assertThat(line.get("time").asString()).as("UTC, ISO-8601").endsWith("Z");
            assertThat(line.get("peer").asString()).isEqualTo("127.0.0.1:" + client.localPort());
            assertThat(line.get("method").asString()).isEqualTo("GET");
            assertThat(line.get("target").asString()).as("the target, its quote and backslash escaped").isEqualTo("/a\"b\\c?q=1");
            assertThat(line.get("version").asString()).isEqualTo("HTTP/1.1");
            assertThat(line.get("status").asInt()).as("the status of %s", response).isEqualTo(404);
            assertThat(line.get("bytes").asLong()).as("the response's bytes").isPositive();
            assertThat(line.get("duration_us").asLong()).isNotNegative();
            assertThat(line.get("user_agent").asString()).isEqualTo("test \"agent\"/1.0");
            assertThat(line.get("x_forwarded_for").asString()).isEqualTo("203.0.113.7, 10.0.0.1");
        }
    }

    @Test
    @DisplayName("an IPv6 peer is written in brackets, so its port stays apart from the address")
    void bracketsIpv6Peers() throws IOException {
        InetAddress ipv6Loopback = InetAddress.getByName("::1");
        try (RunningServer server = TestServers.start(config -> config.withAccessLog(true))) {
            Socket socket;
            try {
                socket = new Socket(ipv6Loopback, server.port());
            } catch (IOException noIpv6) {
                Assumptions.abort("no IPv6 loopback here: " + noIpv6);
                return;
            }
            try (socket) {
                OutputStream out = socket.getOutputStream();
                out.write("GET /live HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                InputStream in = socket.getInputStream();
                in.readAllBytes();
                assertThat(socket.getLocalAddress()).isInstanceOf(Inet6Address.class);
                JsonNode line = onlyLine(server, "\"/live\"");
                assertThat(line.get("peer").asString()).isEqualTo("[0:0:0:0:0:0:0:1]:" + socket.getLocalPort());
                assertThat(line.has("x_forwarded_for")).as("no X-Forwarded-For field when the request had none: %s", line).isFalse();
            }
        }
    }

    @Test
    @DisplayName("with --log-connections on, step 1's 'client connected' line comes back, once per connection")
    void logsConnectionsWhenAsked() {
        try (RunningServer server = TestServers.startWith(options -> options.withLogConnections(true));
             RawConnection client = server.connect()) {
            client.send("GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n").readResponse();
            client.send("GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n").readResponse();
            List<String> connected = server.console().awaitLines("client connected: 127.0.0.1:" + client.localPort(), 1, DEADLINE);
            assertThat(connected).as("the console:%n%s", server.console().describe()).hasSize(1);
        }
    }

    @Test
    @DisplayName("with the access log off, prints nothing per connection or request")
    void silentWhenOff() {
        try (RunningServer server = TestServers.start(); RawConnection client = server.connect()) {
            client.send("GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n").readResponse();
            assertThat(server.console().linesContaining("client connected")).isEmpty();
            assertThat(server.console().linesContaining("/health")).isEmpty();
        }
    }
}
