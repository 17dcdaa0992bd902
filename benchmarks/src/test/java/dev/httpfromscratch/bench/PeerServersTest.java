package dev.httpfromscratch.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.httpfromscratch.common.Server;
import dev.httpfromscratch.testkit.RawConnection;
import dev.httpfromscratch.testkit.RawResponse;
import dev.httpfromscratch.testkit.RunningServer;
import java.io.PrintStream;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The benchmark peers answer what bench/run.sh sends them, over real sockets: a keep-alive GET,
 * 16 pipelined GETs in one write, a POST with a body, and a "Connection: close" request that ends
 * the connection. A peer that answered less would make its figures in docs/06 meaningless.
 */
class PeerServersTest {

    static Stream<Arguments> peers() {
        return Stream.of(
                Arguments.of("raw-nio-loop", (Function<PrintStream, Server>) console -> new RawNioLoopServer(0, 2, console)),
                Arguments.of("netty-nio", (Function<PrintStream, Server>) console -> new NettyHelloServer(0, 2, false, console)),
                Arguments.of("netty-jackson", (Function<PrintStream, Server>) console -> new NettyHelloServer(0, 2, false, true, console)),
                Arguments.of("jdk-httpserver", (Function<PrintStream, Server>) console -> new JdkHttpServerHello(0, "virtual", console)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("peers")
    @DisplayName("answers keep-alive, 16 pipelined requests, a POST body and Connection: close like the benchmark sends them")
    void answersTheBenchmarkWorkloads(String name, Function<PrintStream, Server> factory) {
        try (RunningServer server = RunningServer.start(factory); RawConnection connection = server.connect()) {
            connection.send("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n");
            RawResponse first = connection.readResponse();
            assertThat(first.status()).as("%s: first GET /%n%s", name, connection.transcript()).isEqualTo(200);
            assertThat(first.bodyText()).as("%s: body of GET /", name).isEqualTo(HelloResponse.ROOT_BODY);

            connection.send("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".repeat(16));
            for (int i = 1; i <= 16; i++) {
                RawResponse response = connection.readResponse();
                assertThat(response.status()).as("%s: pipelined response %d of 16%n%s", name, i, connection.transcript()).isEqualTo(200);
            }

            String body = "{\"name\":\"wrk\",\"count\":3,\"ok\":true}";
            connection.send("POST /api HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: "
                    + body.length() + "\r\n\r\n" + body);
            assertThat(connection.readResponse().status()).as("%s: POST /api%n%s", name, connection.transcript()).isEqualTo(200);

            connection.send("GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
            RawResponse last = connection.readResponse();
            assertThat(last.status()).as("%s: GET with Connection: close%n%s", name, connection.transcript()).isEqualTo(200);
            // Without "Connection: close" in the response, wrk counts the close that follows as a read error.
            assertThat(last.saysClose()).as("%s: the answer to a Connection: close request says Connection: close%n%s",
                    name, connection.transcript()).isTrue();
            assertThat(connection.awaitClose(RawConnection.DEFAULT_DEADLINE))
                    .as("%s: the connection after a Connection: close request%n%s", name, connection.transcript())
                    .isNotEqualTo(RawConnection.Closed.STILL_OPEN);
        }
    }

    @Test
    @DisplayName("the Netty + Jackson peer parses POST /api's JSON and answers final-server's echo; invalid JSON is a 400")
    void jacksonPeerParsesTheJson() {
        try (RunningServer server = RunningServer.start(console -> new NettyHelloServer(0, 1, false, true, console));
                RawConnection connection = server.connect()) {
            String body = "{\"name\":\"wrk\",\"count\":3,\"ok\":true}";
            connection.send(post(body));
            RawResponse echo = connection.readResponse();
            assertThat(echo.status()).as("POST /api with %s%n%s", body, connection.transcript()).isEqualTo(200);
            assertThat(echo.bodyText()).as("the echo of %s: what final-server answers", body).isEqualTo(
                    "{\"received\":3,\"fields\":[{\"name\":\"name\",\"value\":\"wrk\"},"
                            + "{\"name\":\"count\",\"value\":3},{\"name\":\"ok\",\"value\":true}]}");

            connection.send(post("{\"name\":"));
            assertThat(connection.readResponse().status())
                    .as("a truncated JSON body must be refused, so the peer really parses%n%s", connection.transcript())
                    .isEqualTo(400);
        }
    }

    private static String post(String body) {
        return "POST /api HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: "
                + body.length() + "\r\n\r\n" + body;
    }
}
