package dev.httpfromscratch.server;

import dev.httpfromscratch.server.files.Reply;
import dev.httpfromscratch.step3.Handler;
import dev.httpfromscratch.step3.HttpRequest;
import dev.httpfromscratch.step3.HttpResponse;
import dev.httpfromscratch.step3.ResponseWriter;
import dev.httpfromscratch.step3.Router;
import dev.httpfromscratch.step3.HttpSyntax;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.function.BiConsumer;
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

    /** The code behind a prefix route: like step 3's {@link Handler}, but its body may stream from a file. */
    @FunctionalInterface
    interface ReplyHandler {
        Reply handle(HttpRequest request) throws Exception;
    }

    private record PrefixRoute(String method, String prefix, ReplyHandler handler) {}

    private final List<PrefixRoute> prefixes = new ArrayList<>();
    private BiConsumer<HttpRequest, Exception> onHandlerFailure = (request, failure) -> { };

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

    /** {@code method} requests for every path that starts with {@code prefix} (HEAD wherever GET is). */
    RouteTable prefix(String method, String prefix, ReplyHandler handler) {
        prefixes.add(new PrefixRoute(method, prefix, handler));
        return this;
    }

    /** Called with the request and the exception whenever a prefix route's handler throws (the router has its own). */
    RouteTable onHandlerFailure(BiConsumer<HttpRequest, Exception> listener) {
        this.onHandlerFailure = listener;
        return this;
    }

    /** The router, to add routes that are not constants (before the server starts). */
    Router router() {
        return router;
    }

    /** The response to {@code request} when its body is not wanted (a 404 or 405 instead of 100 Continue, tests): never throws. */
    HttpResponse respond(HttpRequest request) {
        Reply reply = reply(request);
        if (reply.body() != null) {
            reply.body().close();
        }
        return reply.response();
    }

    /** The reply to {@code request}: a prefix route's, else the router's (404, 405 and 500 included); never throws. */
    Reply reply(HttpRequest request) {
        String path = request.path();
        String allowed = null;
        for (PrefixRoute route : prefixes) {
            if (!path.startsWith(route.prefix())) {
                continue;
            }
            if (route.method().equals(request.method()) || (request.isHead() && route.method().equals("GET"))) {
                return replyOf(route, request);
            }
            allowed = allowedUnder(route.prefix());
        }
        if (allowed != null) {
            return Reply.of(HttpResponse.error(405, HttpSyntax.shorten(path) + " accepts " + allowed + ", not "
                    + HttpSyntax.shorten(request.method()) + ".").withHeader("Allow", allowed));
        }
        return Reply.of(router.respond(request));
    }

    private Reply replyOf(PrefixRoute route, HttpRequest request) {
        try {
            Reply reply = route.handler().handle(request);
            if (reply == null) {
                throw new IllegalStateException("the handler returned no reply");
            }
            return reply;
        } catch (Exception failure) {
            onHandlerFailure.accept(request, failure);
            return Reply.of(HttpResponse.error(500, "The server failed while answering " + HttpSyntax.shorten(request.method()) + " "
                    + HttpSyntax.shorten(request.path()) + "; the failure was logged."));
        }
    }

    private String allowedUnder(String prefix) {
        TreeSet<String> allowed = new TreeSet<>();
        for (PrefixRoute route : prefixes) {
            if (route.prefix().equals(prefix)) {
                allowed.add(route.method());
                if (route.method().equals("GET")) {
                    allowed.add("HEAD");
                }
            }
        }
        return String.join(", ", allowed);
    }

    /** True when a handler serves {@code method} at {@code path}: a body would be read, so 100 Continue may invite it. */
    boolean accepts(String method, String path) {
        for (PrefixRoute route : prefixes) {
            if (path.startsWith(route.prefix()) && (route.method().equals(method) || (method.equals("HEAD") && route.method().equals("GET")))) {
                return true;
            }
        }
        return router.accepts(method, path);
    }

    /** A fresh set of the constants' bytes for one event loop (each loop rewrites its own Date). */
    FixedResponses encodeConstants(ResponseWriter writer) {
        return new FixedResponses(writer, constants);
    }
}
