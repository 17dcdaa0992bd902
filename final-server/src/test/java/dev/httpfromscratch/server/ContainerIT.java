package dev.httpfromscratch.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.ImageFromDockerfile;
import org.testcontainers.images.builder.Transferable;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

/**
 * The server as it would be deployed: the module's Dockerfile built into an image and run, and a
 * Prometheus container on the same Docker network scraping it by its network alias. Runs in
 * {@code mvn verify} (after {@code package}, because the image copies target/final-server.jar);
 * where no Docker engine exists, it is skipped (disabledWithoutDocker), not failed.
 */
@Testcontainers(disabledWithoutDocker = true)
@DisplayName("Final server: the Docker image, scraped by a Prometheus container")
class ContainerIT {
    private static final Network NETWORK = Network.newNetwork();

    @Container
    private static final GenericContainer<?> SERVER = new GenericContainer<>(
            new ImageFromDockerfile("final-server-test", true)
                    .withFileFromPath("Dockerfile", Path.of("Dockerfile"))
                    .withFileFromPath("target/final-server.jar", Path.of("target", "final-server.jar")))
            .withNetwork(NETWORK)
            .withNetworkAliases("final-server")
            .withEnv("ACCESS_LOG", "off")
            .withExposedPorts(8000)
            .waitingFor(Wait.forHttp("/health").forStatusCode(200));

    @Container
    private static final GenericContainer<?> PROMETHEUS = new GenericContainer<>("prom/prometheus:v2.53.4")
            .withNetwork(NETWORK)
            .withCopyToContainer(Transferable.of("""
                    global:
                      scrape_interval: 1s
                    scrape_configs:
                      - job_name: final-server
                        static_configs:
                          - targets: ['final-server:8000']
                    """), "/etc/prometheus/prometheus.yml")
            .withExposedPorts(9090)
            .waitingFor(Wait.forHttp("/-/ready").forStatusCode(200))
            .dependsOn(SERVER);

    @Test
    @DisplayName("the container answers GET /, and Prometheus in another container sees the requests")
    void serverInAContainerIsScraped() throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            String server = "http://" + SERVER.getHost() + ":" + SERVER.getMappedPort(8000);
            for (int i = 0; i < 5; i++) {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(server + "/api"))
                        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"a\":1}")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(response.statusCode()).isEqualTo(200);
            }
            String query = URLEncoder.encode("http_requests_total{method=\"POST\",status=\"200\"}", StandardCharsets.UTF_8);
            URI uri = URI.create("http://" + PROMETHEUS.getHost() + ":" + PROMETHEUS.getMappedPort(9090) + "/api/v1/query?query=" + query);
            long giveUp = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            String answer = "";
            while (!answer.contains("\"5\"") && System.nanoTime() < giveUp) {
                Thread.sleep(500);
                answer = http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()).body();
            }
            assertThat(answer).as("Prometheus' answer to the query").contains("\"5\"");
        }
    }
}
