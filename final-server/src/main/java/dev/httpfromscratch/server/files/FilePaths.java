package dev.httpfromscratch.server.files;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * From the path of a request to a file under the served directory, or a refusal (docs/08-files.md,
 * "Code: resolving a request path"). Path traversal (OWASP's "Path Traversal", CWE-22) is the
 * classic hole of file servers: a name that climbs out of the directory and reads
 * {@code /etc/passwd} or the server's own keys. Every defence below answers one way of climbing out.
 *
 * <ul>
 *   <li>{@code ..} and {@code .} segments: RFC 3986 §5.2.4 removes dot-segments before a path is
 *       used, so a client may not expect them to reach the file system, and the OS would follow
 *       them upwards. Refused (400), raw or percent-encoded ({@code %2e%2e}), since decoding
 *       happens after the router has seen the path (OWASP: "decode, then validate").</li>
 *   <li>{@code %2f} (and {@code %5c}): RFC 3986 §2.2 makes an encoded slash data inside one
 *       segment, not a separator, but once decoded the file system would read it as one. Refused.</li>
 *   <li>Backslashes: a separator on Windows and for some proxies that "normalise" paths. Refused.</li>
 *   <li>NUL ({@code %00}): C strings end there, so {@code a.txt%00.png} passed a suffix check in
 *       old servers and opened {@code a.txt}. Refused.</li>
 *   <li>An empty segment ({@code /files//etc/passwd}): it would make the rest an absolute path,
 *       and {@code Path.resolve} of an absolute path drops the directory. Refused.</li>
 *   <li>Symbolic links: the name may stay inside while a link inside points outside. The file's
 *       real path ({@code realpath(3)}, every link followed) must still start with the directory's
 *       real path; else 404, as if it did not exist.</li>
 *   <li>Very long names: 414 beyond {@link #MAX_PATH_BYTES} or a segment beyond
 *       {@link #MAX_SEGMENT_BYTES} (NAME_MAX), before any system call.</li>
 *   <li>Directories: 404, no listing (a listing tells a visitor every name to try). Names that
 *       start with a dot ({@code .git}, {@code .env}, an upload in progress): 404.</li>
 * </ul>
 */
public final class FilePaths {
    public static final int MAX_PATH_BYTES = 1024;
    public static final int MAX_SEGMENT_BYTES = 255;

    /** The outcome: a regular file inside the directory, or the status and reason to answer with. */
    public sealed interface Resolution permits Found, Refused {}

    public record Found(Path file) implements Resolution {}

    public record Refused(int status, String reason) implements Resolution {}

    private final Path root;

    /** @param directory the served directory; its real path is what every file must stay under */
    public FilePaths(Path directory) throws IOException {
        this.root = directory.toRealPath();
    }

    public Path root() {
        return root;
    }

    /**
     * @param rawPath the request path after {@code /files/}, still percent-encoded, without the query
     */
    public Resolution resolve(String rawPath) {
        // BEGIN SOLUTION
        // STUB: throw new UnsupportedOperationException("Files: turn the request path into a regular file under the directory, refusing every way out of it (docs/08-files.md, 'Code: resolving a request path')");
        if (rawPath.length() > MAX_PATH_BYTES) {
            return new Refused(414, "A file path is at most " + MAX_PATH_BYTES + " bytes.");
        }
        if (rawPath.indexOf('\\') >= 0) {
            return new Refused(400, "A backslash is not allowed in a file path.");
        }
        Path candidate = root;
        for (String segment : rawPath.split("/", -1)) {
            if (segment.isEmpty()) {
                return new Refused(400, "A file path has no empty segment (no leading '/', no '//').");
            }
            String name;
            try {
                name = decode(segment);
            } catch (IllegalArgumentException malformed) {
                return new Refused(400, malformed.getMessage());
            }
            if (name.equals(".") || name.equals("..")) {
                return new Refused(400, "A file path has no '.' or '..' segment.");
            }
            if (name.indexOf('/') >= 0 || name.indexOf('\\') >= 0 || name.indexOf('\0') >= 0) {
                return new Refused(400, "A file path has no encoded '/', '\\' or NUL in a segment.");
            }
            if (name.getBytes(StandardCharsets.UTF_8).length > MAX_SEGMENT_BYTES) {
                return new Refused(414, "A file name is at most " + MAX_SEGMENT_BYTES + " bytes.");
            }
            if (name.startsWith(".")) {
                return notFound();
            }
            try {
                candidate = candidate.resolve(name);
            } catch (InvalidPathException invalid) {
                return new Refused(400, "The file path is not a valid name here.");
            }
        }
        Path real;
        try {
            real = candidate.toRealPath(); // realpath(3): every symbolic link followed
        } catch (IOException | SecurityException missing) {
            return notFound();
        }
        if (!real.startsWith(root) || !Files.isRegularFile(real)) {
            return notFound(); // a link leading outside, a directory, a device: as if it did not exist
        }
        return new Found(real);
        // END SOLUTION
    }

    private static Refused notFound() {
        return new Refused(404, "No such file.");
    }

    /**
     * Percent-decodes one path segment (RFC 3986 §2.1) as UTF-8. '+' stays '+' (it means a space
     * only in form bodies). Throws IllegalArgumentException with a reason for a malformed escape
     * or bytes that are not UTF-8.
     */
    public static String decode(String segment) {
        if (segment.indexOf('%') < 0) {
            return segment;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(segment.length());
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            if (c != '%') {
                bytes.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
                continue;
            }
            int high = i + 2 < segment.length() ? Character.digit(segment.charAt(i + 1), 16) : -1;
            int low = high < 0 ? -1 : Character.digit(segment.charAt(i + 2), 16);
            if (low < 0) {
                throw new IllegalArgumentException("A '%' in the path is not followed by two hexadecimal digits.");
            }
            bytes.write(high * 16 + low);
            i += 2;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
        } catch (CharacterCodingException notUtf8) {
            throw new IllegalArgumentException("The percent-encoded path is not UTF-8.");
        }
    }
}
