package dev.httpfromscratch.server;

import dev.httpfromscratch.server.files.FilePaths;
import dev.httpfromscratch.server.files.StaticFiles;
import dev.httpfromscratch.server.files.TextRoutes;
import dev.httpfromscratch.server.files.Uploads;
import dev.httpfromscratch.step3.HttpRequest;
import dev.httpfromscratch.step3.HttpResponse;
import dev.httpfromscratch.step3.Router;
import dev.httpfromscratch.step3.Routes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * The routes of the final server, declared in one {@link RouteTable}: step 3's {@code GET /} and
 * {@code POST /api}, plus {@code GET /metrics} (the Prometheus exposition), the probes and
 * {@code OPTIONS *} (docs/05-final-server.md, "Written for you").
 *
 * <p>Probes (docs/05-final-server.md, "Running it in production"): {@code GET /live} (liveness:
 * 200 whenever an event loop answers, draining or not: restarting a draining server helps no one),
 * {@code GET /ready} (readiness: 503 from the moment a shutdown began, so a load balancer stops
 * sending new clients before the port closes) and {@code GET /health}, kept with the readiness
 * meaning it always had, for load balancers already configured with it.
 *
 * <p>{@code GET /} and {@code GET /health} are constants of the table: each event loop answers
 * them from pre-encoded bytes ({@link FixedResponses}), /health only while the server serves.
 *
 * <p>With a files directory (the extension of docs/08-files.md, {@code --files-dir}): {@code GET}
 * and {@code HEAD /files/{path}}, {@code POST /files/{name}}, {@code GET /echo/{text}} and
 * {@code GET /user-agent}. Without one these paths answer 404, as any path nobody serves.
 */
final class FinalRoutes {
    static final String HEALTH_BODY = "OK\n";

    private FinalRoutes() {}

    static RouteTable create(ServerMetrics metrics, BooleanSupplier draining, Duration metricsMaxAge) {
        return create(metrics, draining, metricsMaxAge, null);
    }

    /** @param filesDir the directory the file routes serve, or null for none */
    static RouteTable create(ServerMetrics metrics, BooleanSupplier draining, Duration metricsMaxAge, Path filesDir) {
        CachedExposition expositions = new CachedExposition(metrics, metricsMaxAge);
        Router router = Routes.step3()
                .get("/metrics", request -> metricsPage(expositions, request))
                .get("/ready", request -> draining.getAsBoolean() ? shuttingDown() : health())
                .get("/live", request -> health())
                // OPTIONS * asks about the server as a whole (RFC 9110 §9.3.7, RFC 9112 §3.2.4):
                // the parser accepts this target form, so the router must answer it, not 404.
                .route("OPTIONS", "*", request -> HttpResponse.empty(204).withHeader("Allow", "GET, HEAD, POST"));
        RouteTable table = new RouteTable(router, draining)
                .constant("/", Routes.root())
                .constantUntilDraining("/health", health(), request -> shuttingDown());
        if (filesDir != null) {
            addFileRoutes(table, filesDir);
        }
        return table;
    }

    private static void addFileRoutes(RouteTable table, Path filesDir) {
        FilePaths paths;
        try {
            paths = new FilePaths(filesDir);
        } catch (IOException unusable) {
            throw new UncheckedIOException("the files directory " + filesDir + " cannot be served", unusable);
        }
        StaticFiles files = new StaticFiles(paths);
        Uploads uploads = new Uploads(paths);
        table.prefix("GET", StaticFiles.PREFIX, files::get)
                .prefix("POST", StaticFiles.PREFIX, uploads::store)
                .prefix("GET", TextRoutes.ECHO_PREFIX, TextRoutes::echo);
        table.router().get("/user-agent", TextRoutes::userAgent);
    }

    /**
     * GET /metrics: the registry in the text format Prometheus reads, or in OpenMetrics when the
     * scraper's {@code Accept} asks for it; rendered at most once per interval ({@link CachedExposition}).
     */
    static HttpResponse metricsPage(CachedExposition expositions, HttpRequest request) {
        // BEGIN SOLUTION
        // STUB: throw new UnsupportedOperationException("Final server: answer GET /metrics with the exposition in the format the Accept field asks for (docs/05-final-server.md, 'Code: Recorder.request and FinalRoutes.metricsPage')");
        ServerMetrics.Exposition exposition = expositions.get(request.header("Accept"));
        return HttpResponse.of(200, exposition.contentType(), exposition.body());
        // END SOLUTION
    }

    /** Paths that operators' machinery asks, not users: counted, but kept out of the latency histogram. */
    static boolean isOperational(String target) {
        return target.equals("/metrics") || target.equals("/health") || target.equals("/ready") || target.equals("/live");
    }

    private static HttpResponse shuttingDown() {
        return HttpResponse.error(503, "The server is shutting down.");
    }

    private static HttpResponse health() {
        return HttpResponse.text(200, HEALTH_BODY);
    }
}
