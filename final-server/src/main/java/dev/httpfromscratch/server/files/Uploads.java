package dev.httpfromscratch.server.files;

import dev.httpfromscratch.step3.HttpRequest;
import dev.httpfromscratch.step3.HttpResponse;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.regex.Pattern;

/**
 * {@code POST /files/{name}}: stores the request body as a file, atomically (docs/08-files.md,
 * "Code: storing an upload").
 *
 * <p>The body has already been read, whole, by the parser: the body limit (413) and the server's
 * body budget (503) bound what a client can make the server hold. A client that disconnects
 * mid-body never reaches this code, so it leaves nothing on disk.
 *
 * <p>Atomic: the body goes into a temporary file in the same directory, is flushed to the disk
 * ({@code fsync}), and is then renamed over the name ({@code rename(2)} within one file system
 * is atomic). A reader sees the old file or the new one, never half of one; a failure deletes
 * the temporary file. The temporary name starts with a dot, and names that start with a dot are
 * neither served nor accepted.
 *
 * <p>The name is one segment of a few safe characters: no separator, no dot-segment, no percent
 * escape can smuggle a path in (OWASP: allow-list rather than deny-list for names a client picks).
 */
public final class Uploads {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]{0," + (FilePaths.MAX_SEGMENT_BYTES - 1) + "}");

    private final Path root;

    public Uploads(FilePaths paths) {
        this.root = paths.root();
    }

    public Reply store(HttpRequest request) throws IOException {
        // BEGIN SOLUTION
        // STUB: throw new UnsupportedOperationException("Files: store the body under its one-segment name, all of it or nothing, and answer 201 with Location (docs/08-files.md, 'Code: storing an upload')");
        String name = request.path().substring(StaticFiles.PREFIX.length());
        if (!NAME.matcher(name).matches()) {
            return Reply.of(HttpResponse.error(400, "An upload's name is one segment of letters, digits, '.', '_' and '-' "
                    + "(at most " + FilePaths.MAX_SEGMENT_BYTES + ", not starting with '.')."));
        }
        Path target = root.resolve(name);
        if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
            return Reply.of(HttpResponse.error(409, "A directory has that name."));
        }
        Path temporary = Files.createTempFile(root, ".upload-", ".part"); // O_EXCL, mode 0600
        try {
            try (FileChannel out = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
                ByteBuffer body = ByteBuffer.wrap(request.body());
                while (body.hasRemaining()) {
                    out.write(body);
                }
                out.force(true); // fsync(2): the bytes are on the disk before the name points at them
            }
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING); // rename(2)
        } catch (IOException | RuntimeException failed) {
            Files.deleteIfExists(temporary);
            throw failed;
        }
        String location = StaticFiles.PREFIX + name;
        return Reply.of(HttpResponse.text(201, "Stored " + request.body().length + " bytes at " + location + "\n")
                .withHeader("Location", location));
        // END SOLUTION
    }
}
