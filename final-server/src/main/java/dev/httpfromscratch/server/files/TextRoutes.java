package dev.httpfromscratch.server.files;

import dev.httpfromscratch.step3.HttpRequest;
import dev.httpfromscratch.step3.HttpResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;

/**
 * {@code GET /echo/{text}} and {@code GET /user-agent}: the two small routes every "build your
 * own HTTP server" course starts with (docs/08-files.md, "By hand"). One reads a piece of the
 * path, the other a header field; /echo also answers in gzip when Accept-Encoding asks for it.
 * Their bodies are bounded by the request line and header limits, so compressing one in memory
 * costs a few KiB at most.
 */
public final class TextRoutes {
    public static final String ECHO_PREFIX = "/echo/";

    private TextRoutes() {}

    public static Reply echo(HttpRequest request) {
        String text;
        try {
            text = FilePaths.decode(request.path().substring(ECHO_PREFIX.length()));
        } catch (IllegalArgumentException malformed) {
            return Reply.of(HttpResponse.error(400, malformed.getMessage()));
        }
        HttpResponse plain = HttpResponse.text(200, text).withHeader("Vary", "Accept-Encoding");
        if (GzipNegotiation.choose(request.header("Accept-Encoding"), true) == GzipNegotiation.Coding.IDENTITY) {
            return Reply.of(plain);
        }
        return Reply.of(new HttpResponse(200, plain.headers().copy().add("Content-Encoding", "gzip"), gzip(plain.body())));
    }

    public static HttpResponse userAgent(HttpRequest request) {
        String agent = request.header("User-Agent");
        if (agent == null) {
            return HttpResponse.error(400, "The request has no User-Agent field.");
        }
        return HttpResponse.text(200, agent);
    }

    private static byte[] gzip(byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length + 32);
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            gzip.write(bytes);
        } catch (IOException impossible) {
            throw new UncheckedIOException(impossible); // only memory is written
        }
        return out.toByteArray();
    }
}
