package dev.httpfromscratch.grading;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** A folder typed on the command line means what it means in the shell it was typed in. */
@DisplayName("Arguments: paths typed by the user")
class ArgumentsTest {

    @Test
    @DisplayName("-Dstarter.dir=../starter is taken from the folder the command ran in, not the module's")
    void relativeToWhereTheCommandRan() {
        Arguments arguments = Arguments.parse(new String[] {"--out", "../starter", "--cwd", "/home/ada/course"});
        assertThat(arguments.pathFromCwd("--out")).isEqualTo(Path.of("/home/ada/starter"));
    }

    @Test
    @DisplayName("an absolute folder stays as it is; an unknown working folder falls back to the JVM's")
    void absoluteAndUnknown() {
        assertThat(Arguments.parse(new String[] {"--out", "/tmp/s", "--cwd", "/home/ada"}).pathFromCwd("--out"))
                .isEqualTo(Path.of("/tmp/s"));
        assertThat(Arguments.parse(new String[] {"--out", "s", "--cwd", "${env.PWD}"}).pathFromCwd("--out"))
                .isEqualTo(Path.of("s").toAbsolutePath());
    }
}
