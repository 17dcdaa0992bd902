package dev.httpfromscratch.step3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.httpfromscratch.testkit.Points;
import dev.httpfromscratch.testkit.RawConnection;
import dev.httpfromscratch.testkit.RunningServer;
import dev.httpfromscratch.testkit.Stage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The two commands the walkthrough ends with, run with the real curl against the real server:
 * a client we did not write must accept our responses. Skipped where curl is not installed.
 */
@DisplayName("Step 3: the walkthrough's curl commands")
@Stage(value = 7, title = "the server over sockets", section = "docs/03-parsing.md#what-the-grader-checks")
@ExtendWith(ParserDeadline.SkipAfterHang.class)
class WalkthroughCurlTest {
    private static final long DEADLINE_SECONDS = RawConnection.DEFAULT_DEADLINE.toSeconds();

    private static boolean curlIsInstalled() {
        try {
            return new ProcessBuilder("curl", "--version").redirectErrorStream(true).start().waitFor(DEADLINE_SECONDS, TimeUnit.SECONDS);
        } catch (IOException | InterruptedException missing) {
            return false;
        }
    }

    /** Runs curl with {@code arguments}; returns its exit code, and what it printed (stdout and -v trace) in {@code output}. */
    private static int curl(List<String> arguments, StringBuilder output) throws Exception {
        List<String> command = new ArrayList<>(List.of("curl", "-v", "-sS", "--max-time", String.valueOf(DEADLINE_SECONDS)));
        command.addAll(arguments);
        Process curl = new ProcessBuilder(command).redirectErrorStream(true).start();
        output.append(new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        assertThat(curl.waitFor(DEADLINE_SECONDS + 5, TimeUnit.SECONDS)).as("curl finished").isTrue();
        return curl.exitValue();
    }

    @Test
    @Points(2)
    @DisplayName("curl -v http://localhost:PORT/ gets 200 and the fixed body")
    void curlGet() throws Exception {
        assumeTrue(curlIsInstalled(), "curl is not installed");
        try (RunningServer server = BlockingServerTest.startServer()) {
            StringBuilder output = new StringBuilder();
            int exit = curl(List.of("http://localhost:" + server.port() + "/"), output);
            assertThat(exit).as("curl's exit code (18: fewer body bytes than Content-Length; 8: a response curl cannot read). curl said:%n%s", output).isZero();
            assertThat(output.toString()).as("what curl -v printed").contains("< HTTP/1.1 200 OK").contains("< Content-Length: 35")
                    .contains("[SERVER] This is the test response.");
        }
    }

    @Test
    @Points(2)
    @DisplayName("curl -X POST -H 'Content-Type: application/json' -d '{\"hello\":\"world\"}' .../api gets the fields back")
    void curlPostJson() throws Exception {
        assumeTrue(curlIsInstalled(), "curl is not installed");
        try (RunningServer server = BlockingServerTest.startServer()) {
            StringBuilder output = new StringBuilder();
            int exit = curl(List.of("-X", "POST", "-H", "Content-Type: application/json", "-d", "{\"hello\":\"world\"}",
                    "http://localhost:" + server.port() + "/api"), output);
            assertThat(exit).as("curl's exit code. curl said:%n%s", output).isZero();
            assertThat(output.toString()).as("what curl -v printed").contains("< HTTP/1.1 200 OK")
                    .contains("{\"received\":1,\"fields\":[{\"name\":\"hello\",\"value\":\"world\"}]}");
        }
    }
}
