package dev.httpfromscratch.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.httpfromscratch.step3.HttpHeaders;
import dev.httpfromscratch.step3.HttpRequest;
import dev.httpfromscratch.step3.ResponseWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The route table in memory: the pre-encoded answers of the constant routes are byte for byte
 * what the router would send for the same request, so the fast path is only faster.
 */
@DisplayName("Final server: one route table, pre-encoded answers behind it")
class RouteTableTest {
    private static final long NOW = Instant.parse("2026-12-02T08:00:00Z").toEpochMilli();
    private final ResponseWriter writer = new ResponseWriter("http-from-scratch", Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC));

    @Test
    @DisplayName("GET and HEAD of / and /health, keep-alive or close: the pre-encoded bytes equal the router's")
    void preEncodedEqualsRouted() {
        boolean[] draining = {false};
        RouteTable routes = FinalRoutes.create(new ServerMetrics(), () -> draining[0], Duration.ZERO);
        FixedResponses fixed = routes.encodeConstants(writer);
        fixed.refreshDate(NOW);
        for (String path : new String[] {"/", "/health"}) {
            for (String method : new String[] {"GET", "HEAD"}) {
                for (boolean close : new boolean[] {false, true}) {
                    HttpRequest request = new HttpRequest(method, path, "HTTP/1.1", new HttpHeaders().add("Host", "x"), new byte[0]);
                    FixedResponses.Answer answer = fixed.find(method, path, false);
                    assertThat(answer).as("%s %s has a pre-encoded answer", method, path).isNotNull();
                    String routed = new String(writer.encode(routes.respond(request), method.equals("HEAD"), close), StandardCharsets.US_ASCII);
                    assertThat(new String(answer.bytes(method.equals("HEAD"), close), StandardCharsets.US_ASCII))
                            .as("%s %s (close: %s): the pre-encoded answer", method, path, close).isEqualTo(routed);
                }
            }
        }
    }

    @Test
    @DisplayName("while draining, /health is the router's (503) and / is still pre-encoded; POST and unknown paths go to the router")
    void whatTheFastPathLeavesToTheRouter() {
        boolean[] draining = {true};
        RouteTable routes = FinalRoutes.create(new ServerMetrics(), () -> draining[0], Duration.ZERO);
        FixedResponses fixed = routes.encodeConstants(writer);
        assertThat(fixed.find("GET", "/health", true)).as("GET /health while draining").isNull();
        assertThat(fixed.find("GET", "/", true)).as("GET / while draining").isNotNull();
        assertThat(fixed.find("POST", "/", false)).as("POST /").isNull();
        assertThat(fixed.find("GET", "/nowhere", false)).as("GET /nowhere").isNull();
        HttpRequest health = new HttpRequest("GET", "/health", "HTTP/1.1", new HttpHeaders().add("Host", "x"), new byte[0]);
        assertThat(routes.respond(health).status()).as("GET /health while draining, from the router").isEqualTo(503);
        assertThat(routes.accepts("POST", "/api")).as("POST /api is routed").isTrue();
        assertThat(routes.accepts("HEAD", "/health")).as("HEAD is routed wherever GET is").isTrue();
        assertThat(routes.accepts("POST", "/health")).as("POST /health is not routed (405)").isFalse();
        assertThat(routes.accepts("GET", "/nowhere")).as("GET /nowhere is not routed (404)").isFalse();
    }
}
