package dev.httpfromscratch.server;

import static dev.httpfromscratch.testkit.ResponseAssert.assertThatResponse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.httpfromscratch.testkit.RawConnection;
import dev.httpfromscratch.testkit.RawResponse;
import dev.httpfromscratch.testkit.RunningServer;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@code promtool check metrics} (Debian's {@code prometheus} package; .ci/run installs it) reads
 * the exposition the way Prometheus' own linter does: names, units, suffixes, help texts. Skips
 * where promtool is not installed.
 */
@DisplayName("Final server: promtool check metrics")
class PromtoolTest {

    @Test
    @DisplayName("promtool check metrics finds nothing to say about /metrics after traffic of every kind")
    void promtoolAccepts() throws Exception {
        Path promtool = Executables.find("promtool");
        assumeTrue(promtool != null, "promtool is not installed (Debian: apt-get install prometheus)");
        try (RunningServer server = TestServers.start(config -> config.withMaxConnections(2))) {
            try (RawConnection client = server.connect()) {
                client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").readResponse();
                client.send("POST /api HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}").readResponse();
                client.send("BREW / HTTP/1.1\r\nHost: x\r\n\r\n").readResponse();
            }
            RawResponse scrape;
            try (RawConnection client = server.connect()) {
                scrape = client.send("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n").readResponse();
            }
            assertThatResponse(scrape).hasStatus(200);
            Process process = new ProcessBuilder(promtool.toString(), "check", "metrics").redirectErrorStream(true).start();
            try (OutputStream in = process.getOutputStream()) {
                in.write(scrape.bodyText().getBytes(StandardCharsets.UTF_8));
            }
            String said = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("promtool finished").isTrue();
            assertThat(said.strip()).as("what promtool check metrics said about the exposition").isEmpty();
            assertThat(process.exitValue()).as("promtool's exit code; it said:%n%s", said).isZero();
        }
    }
}
