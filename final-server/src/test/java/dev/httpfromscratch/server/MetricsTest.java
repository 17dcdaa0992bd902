package dev.httpfromscratch.server;

import static dev.httpfromscratch.testkit.ResponseAssert.assertThatResponse;
import static org.assertj.core.api.Assertions.assertThat;

import dev.httpfromscratch.testkit.Points;
import dev.httpfromscratch.testkit.RawConnection;
import dev.httpfromscratch.testkit.RawResponse;
import dev.httpfromscratch.testkit.RunningServer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * GET /metrics: the Prometheus exposition of the server's own registry. Counters end in _total
 * (without the _created series simpleclient would add), label values come from bounded sets.
 */
@DisplayName("Final server: GET /metrics")
class MetricsTest {
    private static final String GET_ROOT = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
    private static final String POST_API = "POST /api HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 7\r\n\r\n{\"a\":1}";

    private static RawResponse scrape(RunningServer server, String accept) {
        try (RawConnection client = server.connect()) {
            return client.send("GET /metrics HTTP/1.1\r\nHost: x\r\n" + (accept == null ? "" : "Accept: " + accept + "\r\n") + "\r\n").readResponse();
        }
    }

    @Test
    @Points(3)
    @DisplayName("counts requests by method and status, parse errors by reason, and exposes bytes, connections, build info and JVM metrics")
    void countsRequests() {
        try (RunningServer server = TestServers.start()) {
            try (RawConnection client = server.connect()) {
                for (int i = 0; i < 3; i++) {
                    assertThatResponse(client.send(GET_ROOT).readResponse()).hasStatus(200);
                }
                for (int i = 0; i < 2; i++) {
                    assertThatResponse(client.send(POST_API).readResponse()).hasStatus(200);
                }
                assertThatResponse(client.send("BREW / HTTP/1.1\r\nHost: x\r\n\r\n").readResponse()).hasStatus(405);
            }
            try (RawConnection client = server.connect()) {
                assertThatResponse(client.send("GET / HTTP/1.1\r\nHost: x\r\nBad Name: y\r\n\r\n").readResponse()).hasStatus(400);
            }
            // The server closes the refused connection on its own thread (after a lingering close):
            // wait for it, or the scrape below may still count it as open.
            FinalServer finalServer = TestServers.server(server);
            Conditions.await("the closed connections to leave the gauge", () -> Conditions.activeConnections(finalServer) == 0,
                    () -> Conditions.activeConnections(finalServer));
            RawResponse response = scrape(server, null);
            assertThatResponse(response).hasStatus(200).hasHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
            String text = response.bodyText();
            assertThat(text).as("the exposition:%n%s", text)
                    .contains("http_requests_total{method=\"GET\",status=\"200\",} 3.0")
                    .contains("http_requests_total{method=\"POST\",status=\"200\",} 2.0")
                    .as("an unknown method is folded into OTHER, so clients cannot create series at will")
                    .contains("http_requests_total{method=\"OTHER\",status=\"405\",} 1.0")
                    .as("a request refused after its request line was read keeps its method")
                    .contains("http_requests_total{method=\"GET\",status=\"400\",} 1.0")
                    .contains("http_parse_errors_total{reason=\"malformed\",} 1.0")
                    .contains("http_parse_errors_total{reason=\"body_too_large\",} 0.0")
                    .as("no _created series: a fifth of all series, used by no dashboard of this server")
                    .doesNotContain("_created")
                    .as("bucket bounds written as plain decimals")
                    .contains("http_request_duration_seconds_bucket{le=\"0.0001\",}").doesNotContain("E-")
                    .as("what the server is: version, the connection limit, draining or not")
                    .contains("final_server_build_info{version=")
                    .contains("http_connections_max 10000.0")
                    .contains("http_server_draining 0.0")
                    .contains("final_server_log_dropped_total 0.0")
                    .contains("http_request_duration_seconds_count 7.0")
                    .contains("http_connections_active 1.0")
                    .contains("http_received_bytes_total ")
                    .contains("http_sent_bytes_total ")
                    .contains("jvm_memory_bytes_used{area=\"heap\",}")
                    .doesNotContain("BREW");
        }
    }

    @Test
    @Points(1)
    @DisplayName("a client asking for OpenMetrics (as Prometheus does) gets it, ending with # EOF")
    void openMetrics() {
        try (RunningServer server = TestServers.start()) {
            try (RawConnection client = server.connect()) {
                assertThatResponse(client.send(GET_ROOT).readResponse()).hasStatus(200);
            }
            RawResponse response = scrape(server, "application/openmetrics-text; version=1.0.0; charset=utf-8,text/plain;version=0.0.4;q=0.5");
            assertThatResponse(response).hasStatus(200).hasHeader("Content-Type", "application/openmetrics-text; version=1.0.0; charset=utf-8");
            assertThat(response.bodyText()).contains("# TYPE http_requests counter")
                    .contains("http_requests_total{method=\"GET\",status=\"200\"} 1.0").doesNotContain("_created").endsWith("# EOF\n");
        }
    }

    @Test
    @Points(1)
    @DisplayName("every server has a registry of its own: two servers never see each other's requests")
    void freshRegistryPerServer() {
        try (RunningServer first = TestServers.start(); RunningServer second = TestServers.start()) {
            try (RawConnection client = first.connect()) {
                client.send(GET_ROOT).readResponse();
                client.send(GET_ROOT).readResponse();
            }
            assertThat(scrape(first, null).bodyText()).contains("http_requests_total{method=\"GET\",status=\"200\",} 2.0");
            assertThat(scrape(second, null).bodyText()).doesNotContain("http_requests_total{method=\"GET\",status=\"200\",} 2.0")
                    .doesNotContain("status=\"200\",} 2.0");
        }
    }
}
