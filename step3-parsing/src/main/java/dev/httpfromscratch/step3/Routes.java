package dev.httpfromscratch.step3;

import java.nio.charset.StandardCharsets;

/**
 * The routes of CerberusHTTP, as this course serves them from step 3 on:
 * {@code GET /} answers a fixed text, {@code POST /api} echoes the fields of a JSON object.
 */
public final class Routes {
    /** CerberusHTTP's fixed body (it announced 30 bytes and sent these 35: see {@link ResponseWriter}). */
    public static final String ROOT_BODY = "[SERVER] This is the test response.";

    private Routes() {}

    /** A new router with GET / and POST /api; later steps add their own routes to it. */
    public static Router step3() {
        HttpResponse root = root();
        return new Router()
                .get("/", request -> root)
                .post("/api", new JsonApiHandler());
    }

    /** The answer to GET /: the same for every request (the final server encodes it once per event loop). */
    public static HttpResponse root() {
        return HttpResponse.of(200, HttpResponse.TEXT_PLAIN, ROOT_BODY.getBytes(StandardCharsets.US_ASCII));
    }
}
