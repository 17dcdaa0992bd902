package dev.httpfromscratch.step2;

import static dev.httpfromscratch.step2.Step2Fixture.DEADLINE;
import static dev.httpfromscratch.step2.Step2Fixture.EXPECTED_BODY;
import static dev.httpfromscratch.step2.Step2Fixture.EXPECTED_RESPONSE;
import static dev.httpfromscratch.step2.Step2Fixture.exactlyOneResponse;
import static dev.httpfromscratch.step2.Step2Fixture.request;
import static dev.httpfromscratch.testkit.ResponseAssert.assertThatResponse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.httpfromscratch.testkit.Points;
import dev.httpfromscratch.testkit.RawConnection;
import dev.httpfromscratch.testkit.RunningServer;
import dev.httpfromscratch.testkit.Stage;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checkpoint 2, writing (docs/02-io.md, "Stage 1: read a request and answer it"): one valid HTTP/1.1 response, the
 * same bytes for every request, that real clients accept.
 *
 * <p>By hand: {@code curl -v localhost:8000/} shows the status line and header fields it received
 * after {@code <}; {@code curl -s localhost:8000/ | od -c} shows the body's bytes.
 */
@DisplayName("Step 2: the fixed response")
@Stage(value = 1, title = Step2Fixture.STAGE_1, section = Step2Fixture.STAGE_1_SECTION)
class FixedResponseTest {

    @Test
    @Points(3)
    @Order(1) // the first thing stage 1 builds: everything else in this step reads this response
    @DisplayName("the response is byte for byte: status line, Content-Type, Content-Length in bytes, Connection: close, body")
    void responseIsByteExact() {
        try (RunningServer server = Step2Fixture.start(ThreadingMode.SINGLE);
             RawConnection client = server.connect()) {
            client.send(request("/"));
            var response = exactlyOneResponse(server, client, "A complete request, in one piece and ending in its blank line "
                    + "(\\r\\n\\r\\n), should get the fixed response. If none came: does the server stop reading once the bytes "
                    + "read so far contain \\r\\n\\r\\n, or does it wait for more bytes that the client will never send?");
            assertThatResponse(response)
                    .hasStatusLine("HTTP/1.1 200 OK")
                    // The body has a 3-byte character (→): 40 chars, 42 bytes. Content-Length counts bytes.
                    .hasHeader("Content-Length", "42")
                    .hasBody(EXPECTED_BODY)
                    .isExactly(EXPECTED_RESPONSE);
        }
    }

    @Test
    @Points(2)
    @DisplayName("the JDK's HttpClient accepts the response")
    void jdkHttpClientAcceptsIt() throws Exception {
        try (RunningServer server = Step2Fixture.start(ThreadingMode.SINGLE);
             HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(DEADLINE).build()) {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/from-httpclient"))
                    .timeout(DEADLINE).GET().build();
            HttpResponse<String> response;
            try {
                response = client.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            } catch (IOException rejected) {
                throw new AssertionError("java.net.http.HttpClient could not read the response: " + rejected
                        + "\nThe server printed:\n" + server.console().describe(), rejected);
            }
            assertThat(response.statusCode()).as("status code HttpClient read").isEqualTo(200);
            assertThat(response.headers().firstValue("content-type")).as("Content-Type").hasValue("text/plain; charset=utf-8");
            assertThat(response.body())
                    .as("the body HttpClient read (decoded as UTF-8): it reads as many bytes as Content-Length says, and "
                            + "Content-Length counts the body's bytes, not its characters")
                    .isEqualTo(EXPECTED_BODY);
        }
    }

    @Test
    @DisplayName("curl -v accepts the response (skipped where curl is not installed)")
    void curlAcceptsIt(@TempDir Path temporary) throws Exception {
        assumeTrue(curlIsInstalled(), "curl is not installed");
        try (RunningServer server = Step2Fixture.start(ThreadingMode.SINGLE)) {
            Path body = temporary.resolve("body");
            Path verbose = temporary.resolve("verbose");
            Process curl = new ProcessBuilder("curl", "-v", "-sS", "--max-time", String.valueOf(DEADLINE.toSeconds()),
                    "http://127.0.0.1:" + server.port() + "/from-curl")
                    .redirectOutput(body.toFile()).redirectError(verbose.toFile()).start();
            assertThat(curl.waitFor(DEADLINE.toSeconds() + 5, TimeUnit.SECONDS)).as("curl finished").isTrue();
            String trace = Files.readString(verbose, StandardCharsets.UTF_8);
            assertThat(curl.exitValue()).as("curl's exit code (18 = fewer body bytes than Content-Length). curl -v said:%n%s", trace)
                    .isZero();
            assertThat(trace).as("what curl -v received").contains("< HTTP/1.1 200 OK").contains("< Content-Length: 42");
            assertThat(Files.readString(body, StandardCharsets.UTF_8)).as("the body curl printed").isEqualTo(EXPECTED_BODY);
            assertThat(server.console().text()).as("the server prints curl's raw request")
                    .contains("GET /from-curl HTTP/1.1\\r\\n").contains("User-Agent: curl/");
        }
    }

    private static boolean curlIsInstalled() {
        try {
            Process probe = new ProcessBuilder("curl", "--version").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return probe.waitFor(10, TimeUnit.SECONDS) && probe.exitValue() == 0;
        } catch (IOException notFound) {
            return false;
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
