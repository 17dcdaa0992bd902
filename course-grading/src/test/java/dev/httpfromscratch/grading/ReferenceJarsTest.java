package dev.httpfromscratch.grading;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The generator's reference-jars option (docs/instructors.md, "Reference jars"): which steps'
 * runnable jars ship, the README line that tells students, and a stale jar refused.
 */
class ReferenceJarsTest {
    @TempDir
    Path root;
    @TempDir
    Path out;

    @BeforeEach
    void smallCourse() throws IOException {
        write("pom.xml", "<project><modules><module>step1-a</module><module>step2-b</module></modules></project>");
        write(StarterGenerator.STUDENT_README, "# Your repository\n");
        for (String step : new String[] {"step1-a", "step2-b"}) {
            write(step + "/src/main/java/Server.java", "class Server {}\n");
            // "@" + "Points" in pieces: this module's own tests must not look graded.
            write(step + "/src/test/java/ServerTest.java", "class ServerTest { @" + "Points(3) void works() {} }\n");
            write(step + "/target/" + step + ".jar", "a jar");
        }
    }

    private void write(String relative, String text) throws IOException {
        Path file = root.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    private Path starter() {
        return out.resolve("starter");
    }

    @Test
    void noJarsByDefault() throws IOException {
        new StarterGenerator(root, starter(), 2).withReferenceJars("false").generate();

        assertThat(starter().resolve(StarterGenerator.REFERENCE_JARS)).doesNotExist();
        assertThat(Files.readString(starter().resolve("README.md"))).doesNotContain("reference-jars");
    }

    @Test
    void trueShipsTheStepsBeforeTheCheckpointAndSaysSo() throws IOException {
        new StarterGenerator(root, starter(), 2).withReferenceJars("true").generate();

        assertThat(starter().resolve("reference-jars/step1-a.jar")).hasContent("a jar");
        assertThat(starter().resolve("reference-jars/step2-b.jar"))
                .as("step 2 is not released at checkpoint 2: its jar would be its answer").doesNotExist();
        assertThat(Files.readString(starter().resolve("README.md"))).contains("- `reference-jars/step1-a.jar`");
    }

    @Test
    void allShipsEveryGradedStep() throws IOException {
        new StarterGenerator(root, starter(), 1).withReferenceJars("all").generate();

        assertThat(starter().resolve("reference-jars/step1-a.jar")).exists();
        assertThat(starter().resolve("reference-jars/step2-b.jar")).exists();
    }

    @Test
    void aJarOlderThanItsSourcesIsRefused() throws IOException {
        Files.setLastModifiedTime(root.resolve("step2-b/target/step2-b.jar"), FileTime.from(Instant.parse("2020-01-01T00:00:00Z")));

        assertThatThrownBy(() -> new StarterGenerator(root, starter(), 1).withReferenceJars("all").generate())
                .hasMessageContaining("step2-b.jar is missing or older than step2-b's sources");
    }
}
