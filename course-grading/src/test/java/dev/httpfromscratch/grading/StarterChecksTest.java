package dev.httpfromscratch.grading;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What stops a starter from reaching students: a hidden test in any form, a Markdown link to a
 * file the starter does not hold. The annotation is spelled in pieces so that this file, copied
 * into a starter, is not itself taken for a hidden test.
 */
@DisplayName("Starter checks: hidden tests, broken links, stubs naming missing sections")
class StarterChecksTest {
    private static final String HIDDEN = "Hid" + "den";

    @TempDir
    Path starter;

    private void write(String relative, String text) throws IOException {
        Path file = starter.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    @Test
    @DisplayName("a shipped test using the kit's annotation, on its own line or not, is refused with file and line")
    void hiddenTestIsRefused() throws IOException {
        write("step1/src/test/java/a/ATest.java", "package a;\n\n@" + HIDDEN + " @DisplayName(\"x\")\nclass ATest {}\n");
        write("step1/src/test/java/a/BTest.java", "package a;\nimport dev.httpfromscratch.testkit." + HIDDEN + ";\nclass BTest {}\n");
        write("step1/src/test/java/a/CTest.java", "package a;\nclass CTest {}\n");
        assertThat(StarterChecks.hiddenTestsShipped(starter))
                .as("every shipped test file that uses the annotation")
                .satisfiesExactly(
                        problem -> assertThat(problem).startsWith("step1/src/test/java/a/ATest.java:3:"),
                        problem -> assertThat(problem).startsWith("step1/src/test/java/a/BTest.java:2:"));
    }

    @Test
    @DisplayName("a relative link to a missing file is refused; web links, anchors and code are not links to check")
    void brokenLinksAreFound() throws IOException {
        write("docs/01.md", "text\n");
        write("docs/README.md", String.join("\n",
                "[one](01.md) [one, a section](01.md#code) [web](https://example.org/x.md) [here](#top)",
                "[instructors](instructors.md)",
                "`[not a link](nowhere.md)`",
                "```",
                "[in a code block](nowhere.md)",
                "```",
                "[up](../README.md)"));
        assertThat(StarterChecks.brokenLinks(starter)).containsExactly(
                "docs/README.md:2: the link (instructors.md) points at nothing in the starter",
                "docs/README.md:7: the link (../README.md) points at nothing in the starter");
    }

    @Test
    @DisplayName("a stub naming a chapter section that has no heading (or a chapter not in the starter) is refused with file and line")
    void stubSectionsMustExist() throws IOException {
        write("docs/08-files.md", "# 08 Serving files\n\n## Code: `byte ranges`\n\n## Code: negotiating gzip\n");
        write("final-server/src/main/java/a/Ranges.java", "class Ranges {\n"
                + "  // (docs/08-files.md, 'Code: byte ranges') and (docs/08-files.md, 'Code: negotiating gzip')\n"
                + "  // (docs/08-files.md, 'Code: byte range')\n"
                + "  // (docs/09-more.md, 'Code: later')\n}\n");
        assertThat(StarterChecks.missingSections(starter))
                .as("stubs whose section is missing")
                .satisfiesExactly(
                        problem -> assertThat(problem).startsWith("final-server/src/main/java/a/Ranges.java:3:").contains("'Code: byte range'"),
                        problem -> assertThat(problem).startsWith("final-server/src/main/java/a/Ranges.java:4:").contains("docs/09-more.md"));
    }
}
