package dev.httpfromscratch.server.files;

import static org.assertj.core.api.Assertions.assertThat;

import dev.httpfromscratch.testkit.Extension;
import dev.httpfromscratch.testkit.Points;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Path resolution alone (docs/08-files.md, "Code: resolving a request path"), on a real
 * directory: {@code outside/secret.txt} sits next to the served {@code served/}, and every way of
 * climbing out of {@code served/} must fail to reach it.
 */
@Extension("files")
@DisplayName("Files: resolving a request path")
class FilePathsTest {
    @TempDir
    Path temp;
    private Path served;
    private FilePaths paths;

    @BeforeEach
    void files() throws IOException {
        served = Files.createDirectories(temp.resolve("served"));
        Files.createDirectories(temp.resolve("outside"));
        Files.writeString(temp.resolve("outside/secret.txt"), "secret");
        Files.writeString(served.resolve("a.txt"), "a");
        Files.createDirectories(served.resolve("docs/deep"));
        Files.writeString(served.resolve("docs/deep/b.txt"), "b");
        Files.writeString(served.resolve("with space.txt"), "c");
        Files.writeString(served.resolve(".env"), "hidden");
        paths = new FilePaths(served);
    }

    private FilePaths.Resolution resolve(String raw) {
        return paths.resolve(raw);
    }

    private void assertRefused(String raw, int... statuses) {
        FilePaths.Resolution resolution = resolve(raw);
        assertThat(resolution).as("/files/%s must be refused; it resolved to %s", raw, resolution).isInstanceOf(FilePaths.Refused.class);
        assertThat(((FilePaths.Refused) resolution).status()).as("the status for /files/%s", raw).isIn((Object[]) box(statuses));
    }

    private static Integer[] box(int[] values) {
        Integer[] boxed = new Integer[values.length];
        for (int i = 0; i < values.length; i++) {
            boxed[i] = values[i];
        }
        return boxed;
    }

    @Test
    @Points(1)
    @DisplayName("a file, a nested file and a percent-encoded name resolve to the file's real path under the directory")
    void filesInside() throws IOException {
        assertThat(resolve("a.txt")).as("/files/a.txt").isEqualTo(new FilePaths.Found(served.toRealPath().resolve("a.txt")));
        assertThat(resolve("docs/deep/b.txt")).as("/files/docs/deep/b.txt").isEqualTo(new FilePaths.Found(served.toRealPath().resolve("docs/deep/b.txt")));
        assertThat(resolve("with%20space.txt")).as("/files/with%%20space.txt (%%20 is a space)")
                .isEqualTo(new FilePaths.Found(served.toRealPath().resolve("with space.txt")));
    }

    @Test
    @Points(1)
    @DisplayName("dot-segments, raw or percent-encoded in any case, never climb out (RFC 3986 §5.2.4)")
    void dotSegments() {
        for (String raw : new String[] {"../outside/secret.txt", "docs/../../outside/secret.txt", "%2e%2e/outside/secret.txt",
                "%2E%2E/outside/secret.txt", ".%2e/outside/secret.txt", "docs/./deep/b.txt", "..", "."}) {
            assertRefused(raw, 400);
        }
    }

    @Test
    @Points(1)
    @DisplayName("encoded slashes, backslashes, NUL, empty segments and absolute paths are refused")
    void separatorsAndNul() {
        assertRefused("..%2foutside%2fsecret.txt", 400);
        assertRefused("docs%2Fdeep%2Fb.txt", 400);
        assertRefused("..\\outside\\secret.txt", 400);
        assertRefused("%5c..%5coutside", 400);
        assertRefused("a.txt%00.png", 400);
        assertRefused("/etc/passwd", 400);
        assertRefused("docs//deep/b.txt", 400);
        assertRefused(temp.resolve("outside/secret.txt").toString().substring(1).replace("/", "%2f"), 400);
        assertRefused("bad%zzescape", 400);
    }

    @Test
    @Points(2)
    @DisplayName("a symbolic link leading outside, a directory, a dot-file and a missing file are 404; long names 414")
    void linksDirectoriesAndLength() throws IOException {
        Files.createSymbolicLink(served.resolve("escape.txt"), temp.resolve("outside/secret.txt"));
        Files.createSymbolicLink(served.resolve("escape-dir"), temp.resolve("outside"));
        Files.createSymbolicLink(served.resolve("inside.txt"), served.resolve("a.txt"));
        assertRefused("escape.txt", 404);
        assertRefused("escape-dir/secret.txt", 404);
        assertThat(resolve("inside.txt")).as("a link that stays inside the directory is served")
                .isEqualTo(new FilePaths.Found(served.toRealPath().resolve("a.txt")));
        assertRefused("docs", 404);
        assertRefused("docs/deep", 404);
        assertRefused(".env", 404);
        assertRefused("missing.txt", 404);
        assertRefused("a".repeat(300), 414);
        assertRefused("a/".repeat(600) + "a", 414);
    }
}
