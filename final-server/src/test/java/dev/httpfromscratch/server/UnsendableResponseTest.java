package dev.httpfromscratch.server;

import static dev.httpfromscratch.testkit.ResponseAssert.assertThatResponse;
import static org.assertj.core.api.Assertions.assertThat;

import dev.httpfromscratch.step3.HttpResponse;
import dev.httpfromscratch.step3.Routes;
import dev.httpfromscratch.testkit.RawConnection;
import dev.httpfromscratch.testkit.RunningServer;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A handler that builds a response the writer refuses (a header value with CR LF in it: sending
 * it would split the response) is the server's bug: the client gets 500 and a close, as in step
 * 4, and the responses answered before it in the same read still reach it.
 */
@DisplayName("Final server: a response that cannot be encoded becomes a 500")
class UnsendableResponseTest {
    private static final String GET_ROOT = "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n";

    @Test
    @DisplayName("GET / then a route whose header holds CR LF, pipelined: 200, then 500 and a close")
    void unsendableBecomes500() {
        try (RunningServer server = RunningServer.start(console -> new FinalServer(TestServers.config(), RunOptions.defaults(),
                console, console, router -> router.get("/split", request -> HttpResponse.text(200, "split\n")
                        .withHeader("X-Injected", "a\r\nSet-Cookie: stolen=1")))); RawConnection client = server.connect()) {
            client.send(GET_ROOT + "GET /split HTTP/1.1\r\nHost: localhost\r\n\r\n");
            assertThatResponse(client.readResponse()).hasStatus(200).hasBody(Routes.ROOT_BODY);
            assertThatResponse(client.readResponse()).hasStatus(500).hasHeader("Connection", "close");
            assertThat(client.awaitClose(Duration.ofSeconds(5)))
                    .as("after a 500 for an unsendable response the connection closes.%n%s", client.transcript())
                    .isNotEqualTo(RawConnection.Closed.STILL_OPEN);
        }
    }
}
