package dev.httpfromscratch.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.httpfromscratch.testkit.Points;
import io.prometheus.client.CollectorRegistry;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** One event loop's metrics recorder in memory: what one answered request adds to the registry. */
@DisplayName("Final server: recording a request's metrics, in memory")
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
}
