package dev.httpfromscratch.step3;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.BiConsumer;

/**
 * Finds the handler for a request by its path and method, and answers what no handler can:
 * 404 for a path nobody serves, 405 with {@code Allow} for a known path and a method it does not
 * take (RFC 9110 §15.5.6), 500 when the handler throws.
 *
 * <p>Paths match exactly (no patterns): each step adds routes to the same router, e.g. the final
 * server takes {@link Routes#step3()} and adds GET /metrics and GET /health. Add every route
 * before the server starts; after that the router is only read, by any number of threads.
 *
 * <p>HEAD is answered wherever GET is (RFC 9110 §9.3.2): the GET handler runs, and the
 * {@link ResponseWriter} leaves out the body.
 */
public final class Router {
    private final Map<String, Map<String, Handler>> routes = new LinkedHashMap<>();
    private BiConsumer<HttpRequest, Exception> onHandlerFailure = (request, failure) -> { };

    /** Serves {@code method} requests for exactly {@code path} with {@code handler}. */
    public Router route(String method, String path, Handler handler) {
        routes.computeIfAbsent(path, unused -> new LinkedHashMap<>()).put(method, handler);
        return this;
    }

    public Router get(String path, Handler handler) {
        return route("GET", path, handler);
    }

    public Router post(String path, Handler handler) {
        return route("POST", path, handler);
    }

    /** Called with the request and the exception whenever a handler throws (the server logs it). */
    public Router onHandlerFailure(BiConsumer<HttpRequest, Exception> listener) {
        this.onHandlerFailure = listener;
        return this;
    }

    /** The methods {@code path} accepts, as the Allow field lists them ("GET, HEAD, POST"), or "" for an unknown path. */
    public String allowedMethods(String path) {
        Map<String, Handler> methods = routes.get(path);
        if (methods == null) {
            return "";
        }
        TreeSet<String> allowed = new TreeSet<>(methods.keySet());
        if (allowed.contains("GET")) {
            allowed.add("HEAD");
        }
        return String.join(", ", allowed);
    }

    /**
     * True when a handler serves {@code method} at {@code path} (HEAD wherever GET is): the
     * request would reach a handler rather than get 404 or 405. A server asks before it invites a
     * body with {@code 100 Continue}.
     */
    public boolean accepts(String method, String path) {
        return handlerFor(method, routes.get(path)) != null;
    }

    private static Handler handlerFor(String method, Map<String, Handler> methods) {
        if (methods == null) {
            return null;
        }
        Handler handler = methods.get(method);
        return handler == null && method.equals("HEAD") ? methods.get("GET") : handler;
    }

    /** The response to {@code request}; never throws, whatever the handler does. */
    public HttpResponse respond(HttpRequest request) {
        String path = request.path();
        Map<String, Handler> methods = routes.get(path);
        if (methods == null) {
            return HttpResponse.error(404, "Nothing is served at " + HttpSyntax.shorten(path) + ".");
        }
        Handler handler = handlerFor(request.method(), methods);
        if (handler == null) {
            String allowed = allowedMethods(path);
            return HttpResponse.error(405, HttpSyntax.shorten(path) + " accepts " + allowed + ", not "
                    + HttpSyntax.shorten(request.method()) + ".").withHeader("Allow", allowed);
        }
        try {
            HttpResponse response = handler.handle(request);
            if (response == null) {
                throw new IllegalStateException("the handler returned no response");
            }
            return response;
        } catch (Exception failure) {
            onHandlerFailure.accept(request, failure);
            // The client learns that it was our fault, not what went wrong inside: a stack
            // trace would show it the server's code paths and library versions.
            return HttpResponse.error(500, "The server failed while answering " + HttpSyntax.shorten(request.method()) + " "
                    + HttpSyntax.shorten(path) + "; the failure was logged.");
        }
    }
}
