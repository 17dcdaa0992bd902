package dev.httpfromscratch.server;

import dev.httpfromscratch.step3.Handler;
import dev.httpfromscratch.step3.HttpRequest;
import dev.httpfromscratch.step3.HttpResponse;
import dev.httpfromscratch.step3.ResponseWriter;
import dev.httpfromscratch.step3.Router;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Every route of the final server in one place (docs/05-final-server.md, "Written for you"): step 3's
 * {@link Router} answers each request, and the routes whose answer never changes are declared
 * here once, as constants, so that each event loop can keep their bytes pre-encoded
 * ({@link FixedResponses}) and the connection never has to know a path.
 *
 * <p>A constant route is served by the router too (for a HEAD, a request the fast path does not
 * take, or while the server drains, when a readiness route answers something else): the
 * pre-encoded bytes and the router's answer come from the same {@link HttpResponse}, so the fast
 * path is an optimisation that cannot change what a client sees.
 */
final class RouteTable {
    /** A GET route whose answer is {@code response} always, or only while the server is not draining. */
    record Constant(String path, HttpResponse response, boolean whileDraining) {}

    private final Router router;
    private final BooleanSupplier draining;
    private final List<Constant> constants = new ArrayList<>();

    /** @param draining true once a shutdown began (read by the handlers of constants that stop while draining) */
    RouteTable(Router router, BooleanSupplier draining) {
        this.router = router;
        this.draining = draining;
    }

    /** GET {@code path} always answers {@code response}: pre-encoded on every loop. */
    RouteTable constant(String path, HttpResponse response) {
        constants.add(new Constant(path, response, true));
        router.get(path, request -> response);
        return this;
    }

    /** GET {@code path} answers {@code response} while serving, and what {@code whileDraining} says once a shutdown began. */
    RouteTable constantUntilDraining(String path, HttpResponse response, Handler whileDraining) {
        constants.add(new Constant(path, response, false));
        router.get(path, request -> draining.getAsBoolean() ? whileDraining.handle(request) : response);
        return this;
    }

    /** The router, to add routes that are not constants (before the server starts). */
    Router router() {
        return router;
    }

    /** The response to {@code request}: step 3's 404, 405 and 500 included; never throws. */
    HttpResponse respond(HttpRequest request) {
        return router.respond(request);
    }

    /** True when a handler serves {@code method} at {@code path}: a body would be read, so 100 Continue may invite it. */
    boolean accepts(String method, String path) {
        return router.accepts(method, path);
    }

    /** A fresh set of the constants' bytes for one event loop (each loop rewrites its own Date). */
    FixedResponses encodeConstants(ResponseWriter writer) {
        return new FixedResponses(writer, constants);
    }
}
