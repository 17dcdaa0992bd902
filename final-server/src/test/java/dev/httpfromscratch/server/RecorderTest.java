package dev.httpfromscratch.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.httpfromscratch.testkit.Points;
import dev.httpfromscratch.testkit.Stage;
import dev.httpfromscratch.step3.HttpHeaders;
import dev.httpfromscratch.step3.HttpRequest;
import dev.httpfromscratch.step3.HttpResponse;
import io.prometheus.client.CollectorRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The walkthrough's metrics step in memory: what one answered request adds to the registry
 * ({@code Recorder.request}), and the page that shows it ({@code FinalRoutes.metricsPage}).
 */
@Stage(value = 1, title = "the request counter, the duration histogram and GET /metrics", section = "docs/05-final-server.md#code-recorderrequest-and-finalroutesmetricspage")
@DisplayName("Final server: recording a request's metrics and showing them, in memory")
class RecorderTest {
    private final ServerMetrics metrics = new ServerMetrics();
    private final CollectorRegistry registry = metrics.registry();

    private double requests(String method, String status) {
        Double value = registry.getSampleValue("http_requests_total", new String[] {"method", "status"}, new String[] {method, status});
        return value == null ? 0 : value;
    }

    @Test
    @Points(2)
    @DisplayName("a request is counted by method and status, and its duration observed in seconds; a method nobody knows is OTHER")
    void countsAndObserves() {
        ServerMetrics.Recorder recorder = metrics.recorder();
        recorder.request("GET", 200, "/", 2_000_000);
        recorder.request("GET", 200, "/", 3_000_000);
        recorder.request("BREW", 405, "/pot", 1_000_000);
        assertThat(requests("GET", "200")).as("http_requests_total{method=\"GET\",status=\"200\"} after two GET / answered 200").isEqualTo(2);
        assertThat(requests("OTHER", "405")).as("http_requests_total{method=\"OTHER\",status=\"405\"} after one BREW").isEqualTo(1);
        assertThat(registry.getSampleValue("http_request_duration_seconds_count")).as("durations observed").isEqualTo(3);
        assertThat(registry.getSampleValue("http_request_duration_seconds_sum")).as("the durations' sum, in seconds (2 ms + 3 ms + 1 ms)")
                .isCloseTo(0.006, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    @Points(1)
    @DisplayName("a scrape or a probe is counted, but kept out of the latency histogram")
    void operationalRequestsStayOutOfTheHistogram() {
        ServerMetrics.Recorder recorder = metrics.recorder();
        recorder.request("GET", 200, "/metrics", 5_000_000);
        recorder.request("GET", 200, "/health", 1_000_000);
        assertThat(requests("GET", "200")).as("http_requests_total{method=\"GET\",status=\"200\"}").isEqualTo(2);
        assertThat(registry.getSampleValue("http_request_duration_seconds_count")).as("durations observed for /metrics and /health").isEqualTo(0);
    }

    private static HttpRequest getMetrics(String accept) {
        HttpHeaders headers = new HttpHeaders().add("Host", "x");
        if (accept != null) {
            headers.add("Accept", accept);
        }
        return new HttpRequest("GET", "/metrics", "HTTP/1.1", headers, new byte[0]);
    }

    @Test
    @Points(1)
    @DisplayName("GET /metrics answers the registry in the format Accept asks for, with that format's Content-Type")
    void metricsPage() {
        metrics.recorder().request("GET", 200, "/", 1_000_000);
        CachedExposition expositions = new CachedExposition(metrics, Duration.ZERO);

        HttpResponse text = FinalRoutes.metricsPage(expositions, getMetrics(null));
        String body = new String(text.body(), StandardCharsets.UTF_8);
        assertThat(text.status()).as("status of GET /metrics without Accept").isEqualTo(200);
        assertThat(text.headers().get("Content-Type")).as("Content-Type of GET /metrics without Accept (curl's)")
                .startsWith("text/plain; version=0.0.4");
        assertThat(body).as("the page after one GET / answered 200 (first 300 characters: %s)", body.substring(0, Math.min(300, body.length())))
                .contains("http_requests_total{method=\"GET\",status=\"200\",} 1.0");

        String openMetrics = "application/openmetrics-text; version=1.0.0; charset=utf-8";
        HttpResponse scraped = FinalRoutes.metricsPage(expositions, getMetrics(openMetrics));
        assertThat(scraped.headers().get("Content-Type")).as("Content-Type when Prometheus asks with Accept: %s (it refuses"
                + " OpenMetrics bytes labelled as another format)", openMetrics).startsWith("application/openmetrics-text");
        assertThat(new String(scraped.body(), StandardCharsets.UTF_8)).as("the OpenMetrics page ends with").endsWith("# EOF\n");
    }
}
