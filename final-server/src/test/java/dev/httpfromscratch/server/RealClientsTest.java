package dev.httpfromscratch.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.httpfromscratch.step3.Routes;
import dev.httpfromscratch.testkit.Points;
import dev.httpfromscratch.testkit.Stage;
import dev.httpfromscratch.testkit.RawConnection;
import dev.httpfromscratch.testkit.RunningServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clients we did not write: the JDK's HttpClient and curl. Each has its own idea of keep-alive,
 * chunked uploads and Expect: 100-continue, and all of them must work against the server.
 */
@Stage(value = 4, title = "the whole server, over real sockets", section = "docs/05-final-server.md#what-the-grader-checks")
@DisplayName("Final server: real clients (JDK HttpClient, curl)")
class RealClientsTest {
    private static final long DEADLINE_SECONDS = RawConnection.DEFAULT_DEADLINE.toSeconds();
    private static final String JSON = "{\"hello\":\"world\"}";
    private static final String JSON_ANSWER = "{\"received\":1,\"fields\":[{\"name\":\"hello\",\"value\":\"world\"}]}";

    private static HttpClient client() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(RawConnection.DEFAULT_DEADLINE).build();
    }

    private static HttpRequest.Builder request(RunningServer server, String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).timeout(RawConnection.DEFAULT_DEADLINE);
    }

    @Test
    @Points(2)
    @DisplayName("HttpClient: GET, HEAD, POST /api and /health on one kept-alive connection")
    void httpClient() throws Exception {
        try (RunningServer server = TestServers.start(); HttpClient client = client()) {
            for (int i = 0; i < 3; i++) {
                HttpResponse<String> root = client.send(request(server, "/").GET().build(), HttpResponse.BodyHandlers.ofString());
                assertThat(root.statusCode()).isEqualTo(200);
                assertThat(root.body()).isEqualTo(Routes.ROOT_BODY);
            }
            HttpResponse<String> head = client.send(request(server, "/").method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(head.statusCode()).isEqualTo(200);
            assertThat(head.body()).isEmpty();
            HttpResponse<String> post = client.send(request(server, "/api").header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(JSON)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(post.statusCode()).isEqualTo(200);
            assertThat(post.body()).isEqualTo(JSON_ANSWER);
            HttpResponse<String> metrics = client.send(request(server, "/metrics").GET().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(metrics.body()).as("HttpClient reused one connection for all of it")
                    .contains("http_requests_total{method=\"GET\",status=\"200\",} 3.0")
                    .contains("http_connections_active 1.0");
        }
    }

    @Test
    @Points(2)
    @Stage(value = 5, title = "chunked request bodies", section = "docs/05-final-server.md#code-chunkedbody")
    @DisplayName("HttpClient: a body of unknown length goes chunked, and expectContinue(true) waits for 100 Continue")
    void httpClientChunkedAndExpectContinue() throws Exception {
        try (RunningServer server = TestServers.start(); HttpClient client = client()) {
            HttpRequest chunked = request(server, "/api").header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(JSON.getBytes(StandardCharsets.UTF_8))))
                    .build();
            HttpResponse<String> response = client.send(chunked, HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo(JSON_ANSWER);
            HttpRequest expecting = request(server, "/api").header("Content-Type", "application/json").expectContinue(true)
                    .POST(HttpRequest.BodyPublishers.ofString(JSON)).build();
            HttpResponse<String> continued = client.send(expecting, HttpResponse.BodyHandlers.ofString());
            assertThat(continued.statusCode()).isEqualTo(200);
            assertThat(continued.body()).isEqualTo(JSON_ANSWER);
        }
    }

    private static boolean curlIsInstalled() {
        try {
            return new ProcessBuilder("curl", "--version").redirectErrorStream(true).start().waitFor(DEADLINE_SECONDS, TimeUnit.SECONDS);
        } catch (IOException | InterruptedException missing) {
            return false;
        }
    }

    private static String curl(String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "--max-time", String.valueOf(DEADLINE_SECONDS)));
        command.addAll(List.of(arguments));
        Process curl = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(curl.waitFor(DEADLINE_SECONDS + 5, TimeUnit.SECONDS)).as("curl finished").isTrue();
        assertThat(curl.exitValue()).as("curl %s exited with an error; it said:%n%s", String.join(" ", arguments), output).isZero();
        return output;
    }

    @Test
    @Points(2)
    @Stage(value = 5, title = "chunked request bodies", section = "docs/05-final-server.md#code-chunkedbody")
    @DisplayName("curl: the walkthrough's GET / and POST /api, a chunked upload, and /metrics")
    void curlCommands(@TempDir Path directory) throws Exception {
        assumeTrue(curlIsInstalled(), "curl is not installed (sudo apt-get install curl)");
        try (RunningServer server = TestServers.start()) {
            String base = "http://localhost:" + server.port();
            assertThat(curl(base + "/")).isEqualTo(Routes.ROOT_BODY);
            assertThat(curl("-X", "POST", "-H", "Content-Type: application/json", "-d", JSON, base + "/api")).isEqualTo(JSON_ANSWER);
            Path file = Files.writeString(directory.resolve("body.json"), JSON);
            assertThat(curl("-H", "Content-Type: application/json", "-H", "Transfer-Encoding: chunked", "--data-binary", "@" + file, base + "/api"))
                    .as("curl sends the file with Transfer-Encoding: chunked").isEqualTo(JSON_ANSWER);
            assertThat(curl(base + "/metrics")).contains("http_requests_total{method=\"POST\",status=\"200\",} 2.0");
        }
    }
}
