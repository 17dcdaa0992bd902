package dev.httpfromscratch.server.files;

import dev.httpfromscratch.step3.HttpRequest;
import dev.httpfromscratch.step3.HttpResponse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * {@code GET} and {@code HEAD /files/{path}} (docs/08-files.md): the order in which one request's
 * questions are asked, each answered by its own class.
 * <ol>
 *   <li>Which file? {@link FilePaths} (or 400/404/414).</li>
 *   <li>Which representation? gzip or not ({@link GzipNegotiation}); never gzip for a range, an
 *       HTTP/1.0 client (it cannot read the chunked coding) or a HEAD's missing body's sake: a
 *       HEAD gets the fields its GET would get.</li>
 *   <li>Does the client's copy still match? {@link Validators} (304). Preconditions come before
 *       the range (RFC 9110 §13.2.2): a 304 beats a 206.</li>
 *   <li>Which bytes? {@link ByteRanges} (206, 416, or the whole file). Range is defined for GET
 *       only (RFC 9110 §14.2): a HEAD ignores it.</li>
 * </ol>
 * Every answer about a file carries {@code Vary: Accept-Encoding}, so a cache between the client
 * and the server keeps the gzip and the plain copy apart, even when this answer happened not to
 * be compressed. The file is opened, stat()ed and resolved on the event loop's thread: a few
 * system calls on the page cache, as nginx does without its thread pools.
 */
public final class StaticFiles {
    public static final String PREFIX = "/files/";
    /** Below this, gzip's 18-byte frame and the chunk lines cost about what compression saves. */
    public static final long MIN_GZIP_BYTES = 1024;

    private final FilePaths paths;

    public StaticFiles(FilePaths paths) {
        this.paths = paths;
    }

    public Reply get(HttpRequest request) throws IOException {
        FilePaths.Resolution resolution = paths.resolve(request.path().substring(PREFIX.length()));
        if (resolution instanceof FilePaths.Refused refused) {
            return Reply.of(HttpResponse.error(refused.status(), refused.reason()));
        }
        Path file = ((FilePaths.Found) resolution).file();
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(file, BasicFileAttributes.class); // stat(2)
        } catch (NoSuchFileException deleted) {
            return Reply.of(HttpResponse.error(404, "No such file."));
        }
        long size = attributes.size();
        long modified = attributes.lastModifiedTime().toMillis();
        String type = ContentTypes.of(file.getFileName().toString());

        String range = request.isHead() ? null : request.header("Range");
        if (range != null && !Validators.rangeStillValid(request.header("If-Range"), Validators.etag(size, modified, false), modified)) {
            range = null; // the file changed since the client's partial copy: send all of it
        }
        // Asked only when the request has the field: each question is a chapter section of its own,
        // and a plain GET works before the later ones are written.
        ByteRanges.Decision decision = range == null ? ByteRanges.WHOLE : ByteRanges.decide(range, size);
        String acceptEncoding = request.header("Accept-Encoding");
        boolean gzip = acceptEncoding != null && decision instanceof ByteRanges.Whole && !request.version().equals("HTTP/1.0")
                && GzipNegotiation.choose(acceptEncoding, size >= MIN_GZIP_BYTES && ContentTypes.compressible(type)) == GzipNegotiation.Coding.GZIP;
        String etag = Validators.etag(size, modified, gzip);
        String lastModified = Validators.lastModified(modified);

        if (Validators.notModified(request.header("If-None-Match"), request.header("If-Modified-Since"), etag, modified)) {
            // 304 carries the validators and Vary a 200 would have (RFC 9110 §15.4.5), no body.
            return Reply.of(HttpResponse.empty(304).withHeader("ETag", etag).withHeader("Last-Modified", lastModified)
                    .withHeader("Vary", "Accept-Encoding"));
        }
        if (decision instanceof ByteRanges.Unsatisfiable) {
            return Reply.of(HttpResponse.error(416, "The range asks for bytes past the end of a " + size + "-byte file.")
                    .withHeader("Content-Range", "bytes */" + size).withHeader("Vary", "Accept-Encoding"));
        }
        HttpResponse head = HttpResponse.empty(decision instanceof ByteRanges.Part ? 206 : 200)
                .withHeader("Content-Type", type)
                .withHeader("X-Content-Type-Options", "nosniff")
                .withHeader("ETag", etag)
                .withHeader("Last-Modified", lastModified)
                .withHeader("Accept-Ranges", "bytes")
                .withHeader("Vary", "Accept-Encoding");
        if (decision instanceof ByteRanges.Part part) {
            return new Reply(head.withHeader("Content-Range", part.contentRange(size)), FileTransfer.open(file, part.first(), part.length()));
        }
        if (gzip) {
            return new Reply(head.withHeader("Content-Encoding", "gzip"), GzipStream.open(file, size));
        }
        return new Reply(head, FileTransfer.open(file, 0, size));
    }
}
