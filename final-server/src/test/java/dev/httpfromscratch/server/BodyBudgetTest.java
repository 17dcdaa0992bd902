package dev.httpfromscratch.server;

import static dev.httpfromscratch.testkit.ResponseAssert.assertThatResponse;
import static org.assertj.core.api.Assertions.assertThat;

import dev.httpfromscratch.step3.BodyDecoder;
import dev.httpfromscratch.step3.ParserLimits;
import dev.httpfromscratch.step3.RequestRejection;
import dev.httpfromscratch.testkit.RawConnection;
import dev.httpfromscratch.testkit.RawResponse;
import dev.httpfromscratch.testkit.RunningServer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Memory a client can make the server spend on bodies (docs/07-security.md, "Memory a client can
 * make you spend"): a body holds what arrived, never what its head declared, and all the bodies
 * being read share one budget. A request that would cross it is refused with 503, Retry-After and
 * Connection: close, and counted in {@code http_parse_errors_total{reason="body_budget_exhausted"}};
 * whatever way a request ends (answered, refused, reset), its bytes go back to the budget.
 */
@DisplayName("Final server: request bodies follow the bytes received and share a budget")
class BodyBudgetTest {
    private static final int BODY = 40_000;
    /** Room for one 40,000-byte body, not two. */
    private static final long BUDGET = 64 * 1024;

    @Test
    @DisplayName("a head declaring 1 MiB followed by one byte holds a few hundred bytes, not 1 MiB (Content-Length and chunked)")
    void memoryFollowsBytesReceived() throws RequestRejection {
        BodyBudget budget = new BodyBudget(Long.MAX_VALUE);
        BodyBudget.Account declared = budget.account();
        BodyDecoder body = GrowingBody.forLength(1 << 20, ParserLimits.DEFAULTS, declared);
        assertThat(body.decode(ByteBuffer.wrap(new byte[] {'{'}))).isFalse();
        assertThat(declared.held()).as("bytes held for a Content-Length: 1048576 body after its first byte arrived")
                .isLessThanOrEqualTo(BodyBudget.MIN_GROWTH_BYTES);

        BodyBudget.Account chunked = budget.account();
        ChunkedBody chunks = new ChunkedBody(ParserLimits.DEFAULTS, chunked);
        assertThat(chunks.decode(ByteBuffer.wrap("FFFFF\r\n{".getBytes(StandardCharsets.US_ASCII)))).isFalse();
        assertThat(chunked.held()).as("bytes held for a chunk announced as FFFFF (1,048,575) bytes after its first byte arrived")
                .isLessThanOrEqualTo(BodyBudget.MIN_GROWTH_BYTES);

        declared.releaseAll();
        chunked.releaseAll();
        assertThat(budget.used()).as("the budget once both connections gave their bytes back").isZero();
    }

    @Test
    @DisplayName("a body that would cross the server's body budget gets 503 + Retry-After + close, is counted, and the budget comes back after answers and resets")
    void budgetRefusesAndIsReleased() {
        try (RunningServer server = TestServers.start(config -> config.withBodyBudgetBytes(BUDGET))) {
            FinalServer finalServer = TestServers.server(server);
            byte[] request = post(BODY);
            int allButLast = request.length - 1;
            try (RawConnection first = server.connect(); RawConnection second = server.connect()) {
                first.send(slice(request, allButLast));
                awaitReceived(finalServer, allButLast); // the first body holds its bytes before the second one starts
                RawResponse refused = second.send(slice(request, allButLast)).readResponse();
                assertThatResponse(refused).as("a second %,d-byte body while the first holds %,d of a %,d-byte budget", BODY, BODY, BUDGET)
                        .hasStatus(503).hasHeader("Retry-After", "1").hasHeader("Connection", "close");
                assertThat(second.awaitClose(RawConnection.DEFAULT_DEADLINE)).as("the refused connection is closed").isNotEqualTo(RawConnection.Closed.STILL_OPEN);
                assertThat(Conditions.sample(finalServer, "http_parse_errors_total", new String[] {"reason"}, new String[] {"body_budget_exhausted"}))
                        .as("http_parse_errors_total{reason=\"body_budget_exhausted\"}").isEqualTo(1);

                assertThatResponse(first.send(new byte[] {request[allButLast]}).readResponse())
                        .as("the first body, completed: it was within the budget").hasStatus(200);
                assertThatResponse(first.send(request).readResponse())
                        .as("another body on the same connection: the first one's bytes went back to the budget when it was answered").hasStatus(200);
            }
            Conditions.await("the refused and the answered connections to be closed", () -> Conditions.activeConnections(finalServer) == 0,
                    () -> "active connections " + Conditions.activeConnections(finalServer));
            try (RawConnection reset = server.connect()) {
                double before = Conditions.sample(finalServer, "http_received_bytes_total", new String[0], new String[0]);
                reset.send(slice(request, allButLast));
                awaitReceived(finalServer, (long) before + allButLast);
                reset.reset();
            }
            Conditions.await("the reset connection to be closed", () -> Conditions.activeConnections(finalServer) == 0,
                    () -> "active connections " + Conditions.activeConnections(finalServer));
            try (RawConnection after = server.connect()) {
                assertThatResponse(after.send(request).readResponse())
                        .as("a body after a client reset in the middle of its own: the reset body's bytes went back to the budget").hasStatus(200);
            }
        }
    }

    /** A POST /api whose JSON body is exactly {@code length} bytes. */
    static byte[] post(int length) {
        String prefix = "{\"k\":\"";
        String body = prefix + "v".repeat(length - prefix.length() - 2) + "\"}";
        return ("POST /api HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: " + length + "\r\n\r\n" + body)
                .getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] slice(byte[] bytes, int length) {
        return java.util.Arrays.copyOf(bytes, length);
    }

    private static void awaitReceived(FinalServer server, long bytes) {
        Conditions.await("the server to read " + bytes + " bytes", () -> Conditions.sample(server, "http_received_bytes_total",
                new String[0], new String[0]) >= bytes, () -> Conditions.sample(server, "http_received_bytes_total", new String[0], new String[0]) + " bytes read");
    }
}
