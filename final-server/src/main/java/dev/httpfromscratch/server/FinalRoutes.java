package dev.httpfromscratch.server;

import dev.httpfromscratch.step3.HttpResponse;
import dev.httpfromscratch.step3.Router;
import dev.httpfromscratch.step3.Routes;
import java.util.function.BooleanSupplier;

/**
 * The routes of the final server: step 3's {@code GET /} and {@code POST /api}, plus
 * {@code GET /metrics} (the Prometheus exposition), {@code GET /health} and {@code OPTIONS *}.
 *
 * <p>{@code GET /} and {@code GET /health} are also answered from pre-encoded bytes
 * ({@link FixedResponses}) on the hot path; the handlers here define what those bytes are and
 * serve the cases the fast path leaves to the router. While the server drains, /health answers
 * 503, so a load balancer that checks it stops sending new clients before the port closes.
 */
final class FinalRoutes {
    static final String HEALTH_BODY = "OK\n";

    private FinalRoutes() {}

    static Router create(ServerMetrics metrics, BooleanSupplier draining) {
        return Routes.step3()
                .get("/metrics", request -> {
                    ServerMetrics.Exposition exposition = metrics.expose(request.header("Accept"));
                    return HttpResponse.of(200, exposition.contentType(), exposition.body());
                })
                .get("/health", request -> draining.getAsBoolean()
                        ? HttpResponse.error(503, "The server is shutting down.")
                        : health())
                // OPTIONS * asks about the server as a whole (RFC 9110 §9.3.7, RFC 9112 §3.2.4):
                // the parser accepts this target form, so the router must answer it, not 404.
                .route("OPTIONS", "*", request -> HttpResponse.empty(204).withHeader("Allow", "GET, HEAD, POST"));
    }

    /** The response of GET /health while serving (also the source of its pre-encoded bytes). */
    static HttpResponse health() {
        return HttpResponse.text(200, HEALTH_BODY);
    }
}
