package dev.httpfromscratch.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.httpfromscratch.testkit.Points;
import dev.httpfromscratch.testkit.Stage;
import dev.httpfromscratch.testkit.RawConnection;
import dev.httpfromscratch.testkit.RunningServer;
import java.io.File;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A real Prometheus (Debian's {@code prometheus} package; .ci/run installs it) scrapes the
 * running server every second, and the test asks Prometheus' HTTP API, not the server, whether
 * the request counter rose by exactly the number of requests sent. That checks the whole path:
 * the exposition format, the content type, a scrape over a real connection, and the counter.
 */
@Stage(value = 4, title = "the whole server, over real sockets", section = "docs/05-final-server.md#what-the-grader-checks")
@DisplayName("Final server: scraped by a real Prometheus")
class PrometheusScrapeTest {
    /** Long enough for a slow CI machine to start Prometheus and scrape a few times; only stops a hang. */
    private static final Duration PATIENCE = Duration.ofSeconds(90);
    private static final int REQUESTS = 25;

    private static Path prometheusBinary() {
        return Executables.find("prometheus");
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Test
    @Points(3)
    @DisplayName("Prometheus scrapes /metrics and its query API sees http_requests_total rise by the requests sent")
    void prometheusSeesTheRequests(@TempDir Path directory) throws Exception {
        Path binary = prometheusBinary();
        assumeTrue(binary != null, "Prometheus is not installed: sudo apt-get install prometheus (Debian/Ubuntu), "
                + "or put the prometheus binary from https://prometheus.io/download/ on the PATH");
        try (RunningServer server = TestServers.start(); HttpClient http = HttpClient.newHttpClient()) {
            int prometheusPort = freePort();
            Path config = Files.writeString(directory.resolve("prometheus.yml"), """
                    global:
                      scrape_interval: 1s
                      scrape_timeout: 1s
                    scrape_configs:
                      - job_name: final-server
                        static_configs:
                          - targets: ['127.0.0.1:%d']
                    """.formatted(server.port()));
            Path log = directory.resolve("prometheus.log");
            Process prometheus = new ProcessBuilder(binary.toString(), "--config.file=" + config,
                    "--web.listen-address=127.0.0.1:" + prometheusPort, "--storage.tsdb.path=" + directory.resolve("data"),
                    "--log.level=warn")
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            try {
                // POST /api answers 200: the only POST requests are ours (scrapes are GETs, counted apart).
                try (RawConnection client = server.connect()) {
                    for (int i = 0; i < REQUESTS; i++) {
                        client.send("POST /api HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 7\r\n\r\n{\"i\":1}")
                                .readResponse();
                    }
                }
                String query = "http_requests_total{job=\"final-server\",method=\"POST\",status=\"200\"}";
                URI uri = URI.create("http://127.0.0.1:" + prometheusPort + "/api/v1/query?query="
                        + URLEncoder.encode(query, StandardCharsets.UTF_8));
                JsonMapper json = JsonMapper.builder().build();
                long giveUp = System.nanoTime() + PATIENCE.toNanos();
                String last = "(Prometheus never answered)";
                double value = -1;
                while (value != REQUESTS && System.nanoTime() < giveUp && prometheus.isAlive()) {
                    Thread.sleep(250);
                    try {
                        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
                                HttpResponse.BodyHandlers.ofString());
                        last = answer.body();
                        JsonNode result = json.readTree(last).path("data").path("result");
                        if (result.isArray() && !result.isEmpty()) {
                            value = Double.parseDouble(result.get(0).path("value").get(1).asString());
                        }
                    } catch (java.io.IOException notUpYet) {
                        last = "(Prometheus not listening yet: " + notUpYet + ")";
                    }
                }
                assertThat(value).as("Prometheus' answer to %s should be %d. Its last answer:%n%s%nIts log:%n%s",
                        query, REQUESTS, last, Files.exists(log) ? Files.readString(log) : "(none)").isEqualTo((double) REQUESTS);
            } finally {
                prometheus.destroy(); // SIGTERM: Prometheus shuts down cleanly
                if (!prometheus.waitFor(20, TimeUnit.SECONDS)) {
                    prometheus.destroyForcibly();
                }
            }
        }
    }
}
