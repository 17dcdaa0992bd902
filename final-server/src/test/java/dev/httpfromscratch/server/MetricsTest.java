package dev.httpfromscratch.server;

import static dev.httpfromscratch.testkit.ResponseAssert.assertThatResponse;
import static org.assertj.core.api.Assertions.assertThat;

import dev.httpfromscratch.testkit.Points;
import dev.httpfromscratch.testkit.Stage;
import dev.httpfromscratch.testkit.RawConnection;
import dev.httpfromscratch.testkit.RawResponse;
import dev.httpfromscratch.testkit.RunningServer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * GET /metrics: the Prometheus exposition of the server's own registry. Counters end in _total
 * (without the _created series simpleclient would add), label values come from bounded sets.
 */
@Stage(value = 4, title = "the whole server, over real sockets", section = "docs/05-final-server.md#what-the-grader-checks")
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
                    .contains("http_request_duration_seconds_bucket{le=\"0.0001\",}").doesNotContainPattern("le=\"[^\"]*E")
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
    @DisplayName("every response is counted: the 503 for a connection beyond the limit, a 413 by its method; scrapes and probes stay out of the latency histogram")
    void countsEveryResponse() {
        try (RunningServer server = TestServers.start(config -> config.withMaxConnections(1))) {
            FinalServer finalServer = TestServers.server(server);
            try (RawConnection held = server.connect()) {
                assertThatResponse(held.send("POST /api HTTP/1.1\r\nHost: x\r\nContent-Length: 999999999\r\n\r\n").readResponse())
                        .as("a body over the limit, refused from its Content-Length").hasStatus(413);
                Conditions.await("the refused connection to close", () -> Conditions.activeConnections(finalServer) == 0,
                        () -> Conditions.activeConnections(finalServer));
                RawConnection second = server.connect();
                assertThatResponse(second.send(GET_ROOT).readResponse()).hasStatus(200);
                try (RawConnection beyond = server.connect()) {
                    assertThatResponse(beyond.readResponse()).as("a connection beyond max-connections 1").hasStatus(503);
                }
                second.close();
            }
            assertThat(Conditions.sample(finalServer, "http_requests_total", new String[] {"method", "status"}, new String[] {"OTHER", "503"}))
                    .as("the 503 for a connection beyond the limit (no request read yet: method OTHER) is in http_requests_total").isEqualTo(1);
            assertThat(Conditions.sample(finalServer, "http_requests_total", new String[] {"method", "status"}, new String[] {"POST", "413"}))
                    .as("a 413 for an oversized Content-Length keeps the method of its request line").isEqualTo(1);
            Conditions.await("the connections to close", () -> Conditions.activeConnections(finalServer) == 0,
                    () -> Conditions.activeConnections(finalServer));
            double before = Conditions.sample(finalServer, "http_request_duration_seconds_count", new String[0], new String[0]);
            try (RawConnection client = server.connect()) {
                for (String path : new String[] {"/metrics", "/health", "/ready", "/live"}) {
                    assertThatResponse(client.send("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n").readResponse()).hasStatus(200);
                }
            }
            assertThat(Conditions.sample(finalServer, "http_request_duration_seconds_count", new String[0], new String[0]))
                    .as("GET /metrics, /health, /ready and /live are operators' requests: counted, but not in the latency histogram").isEqualTo(before);
            assertThat(Conditions.sample(finalServer, "http_requests_total", new String[] {"method", "status"}, new String[] {"GET", "200"}))
                    .as("... and still counted in http_requests_total").isEqualTo(5);
        }
    }

    @Test
    @DisplayName("however often /metrics is asked for, it is rendered at most once per interval: a second scrape at once gets the same bytes")
    void scrapesAreCached() {
        try (RunningServer server = TestServers.startWith(options -> options.withMetricsMaxAge(java.time.Duration.ofHours(1)))) {
            String first = scrape(server, null).bodyText();
            try (RawConnection client = server.connect()) {
                client.send(GET_ROOT).readResponse();
            }
            assertThat(scrape(server, null).bodyText()).as("the second scrape, within the interval").isEqualTo(first);
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
