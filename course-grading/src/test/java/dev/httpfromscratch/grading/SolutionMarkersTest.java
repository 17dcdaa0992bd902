package dev.httpfromscratch.grading;

import static dev.httpfromscratch.grading.SolutionMarkers.BEGIN;
import static dev.httpfromscratch.grading.SolutionMarkers.END;
import static dev.httpfromscratch.grading.SolutionMarkers.STUB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * How a reference file becomes a student file. The markers are built from constants, never
 * written out, so that the generator, copying this very file into a starter, leaves it whole.
 */
@DisplayName("Solution markers: reference to starter")
class SolutionMarkersTest {

    private static String lines(String... lines) {
        return String.join("\n", lines);
    }

    @Test
    @DisplayName("a region becomes its STUB line, indented like the BEGIN marker")
    void regionBecomesStub() {
        String reference = lines(
                "int answer() {",
                "    " + BEGIN,
                "    " + STUB + " throw new UnsupportedOperationException(\"Step 9: answer (docs/09.md)\");",
                "    return 42;",
                "    " + END,
                "}");
        SolutionMarkers.Stubbed starter = SolutionMarkers.stub(reference, "Answer.java");
        assertThat(starter.text()).isEqualTo(lines(
                "int answer() {",
                "    throw new UnsupportedOperationException(\"Step 9: answer (docs/09.md)\");",
                "}"));
        assertThat(starter.regions()).isEqualTo(1);
    }

    @Test
    @DisplayName("a region without a STUB line gets the default stub; an empty STUB removes the region")
    void defaultAndEmptyStubs() {
        String reference = lines("  " + BEGIN, "  x();", "  " + END, "  " + BEGIN, "  " + STUB, "  y();", "  " + END, "z();");
        assertThat(SolutionMarkers.stub(reference, "F.java").text())
                .isEqualTo(lines("  " + SolutionMarkers.DEFAULT_STUB, "z();"));
    }

    @Test
    @DisplayName("unbalanced or misplaced markers stop the generator with file and line")
    void badMarkers() {
        assertThatThrownBy(() -> SolutionMarkers.stub(lines(BEGIN, "x();"), "Open.java"))
                .hasMessageStartingWith("Open.java:1:").hasMessageContaining("never closed");
        assertThatThrownBy(() -> SolutionMarkers.stub(lines("x();", END), "Close.java"))
                .hasMessageStartingWith("Close.java:2:");
        assertThatThrownBy(() -> SolutionMarkers.stub(lines(BEGIN, BEGIN, END), "Nested.java"))
                .hasMessageStartingWith("Nested.java:2:");
        assertThatThrownBy(() -> SolutionMarkers.stub(lines(BEGIN, "x();", STUB + " y();", END), "Late.java"))
                .hasMessageContaining("right after");
    }

    @Test
    @DisplayName("marker words inside a longer line are not markers")
    void onlyWholeLineMarkers() {
        String reference = lines("String s = \"" + BEGIN + "\";", "// see " + END + " below");
        assertThat(SolutionMarkers.stub(reference, "S.java").text()).isEqualTo(reference);
    }

    @Test
    @DisplayName("SOLUTION FILE and Hidden-annotated files are recognised; a bare HIDDEN FILE comment is refused")
    void wholeFileMarkers() {
        assertThat(SolutionMarkers.isSolutionFile(lines(SolutionMarkers.SOLUTION_FILE, "package a;"))).isTrue();
        assertThat(SolutionMarkers.isSolutionFile("package a; // not " + SolutionMarkers.SOLUTION_FILE)).isFalse();
        assertThat(SolutionMarkers.isHiddenTest(lines("@" + "Hidden", "class T {}"), "T.java")).isTrue();
        assertThat(SolutionMarkers.isHiddenTest("class T {}", "T.java")).isFalse();
        assertThatThrownBy(() -> SolutionMarkers.isHiddenTest(lines(SolutionMarkers.HIDDEN_FILE, "class T {}"), "T.java"))
                .hasMessageContaining("testkit." + "Hidden");
    }

    @Test
    @DisplayName("a hidden test is found wherever the annotation stands on its line, but not in a // comment")
    void hiddenAnywhereOnTheLine() {
        String hidden = "@" + "Hidden";
        assertThat(SolutionMarkers.isHiddenTest(lines(hidden + " @DisplayName(\"x\")", "class T {}"), "T.java")).isTrue();
        assertThat(SolutionMarkers.isHiddenTest(lines("@DisplayName(\"x\") " + hidden, "class T {}"), "T.java")).isTrue();
        assertThat(SolutionMarkers.isHiddenTest(lines("@dev.httpfromscratch.testkit." + "Hidden class T {}"), "T.java")).isTrue();
        assertThat(SolutionMarkers.isHiddenTest(lines("// not " + hidden, "class T {}"), "T.java")).isFalse();
    }

    @Test
    @DisplayName("a catch-up starter keeps the reference code of regions whose stub names an earlier step")
    void earlierStepsSolved() {
        String reference = lines(
                "void loop() {",
                "    " + BEGIN,
                "    " + STUB + " throw new UnsupportedOperationException(\"Step 1: the loop (docs/01.md)\");",
                "    while (true) { }",
                "    " + END,
                "}",
                "void parse() {",
                "    " + BEGIN,
                "    " + STUB + " throw new UnsupportedOperationException(\"Step 3: parse (docs/03.md)\");",
                "    return;",
                "    " + END,
                "}");
        SolutionMarkers.Stubbed atCheckpoint3 = SolutionMarkers.stub(reference, "Both.java", 3);
        assertThat(atCheckpoint3.text()).isEqualTo(lines(
                "void loop() {",
                "    while (true) { }",
                "}",
                "void parse() {",
                "    throw new UnsupportedOperationException(\"Step 3: parse (docs/03.md)\");",
                "}"));
        assertThat(atCheckpoint3.regions()).as("regions still stubbed").isEqualTo(1);
    }

    @Test
    @DisplayName("a solved step keeps its regions as reference code, except an extension's, which stays a stub")
    void extensionRegionsOfASolvedStepStayStubbed() {
        String reference = lines(
                "int core() {",
                "    " + BEGIN,
                "    " + STUB + " throw new UnsupportedOperationException(\"Final server: core (docs/05.md)\");",
                "    return 1;",
                "    " + END,
                "}",
                "int ranges() {",
                "    " + BEGIN,
                "    " + STUB + " throw new UnsupportedOperationException(\"Files: ranges (docs/08-files.md, 'Code: byte ranges')\");",
                "    return 2;",
                "    " + END,
                "}");
        SolutionMarkers.Stubbed solved = SolutionMarkers.stubExtensions(reference, "Both.java", java.util.Set.of("files"));
        assertThat(solved.text()).isEqualTo(lines(
                "int core() {",
                "    return 1;",
                "}",
                "int ranges() {",
                "    throw new UnsupportedOperationException(\"Files: ranges (docs/08-files.md, 'Code: byte ranges')\");",
                "}"));
        assertThat(solved.regions()).as("regions stubbed").isEqualTo(1);
        String coreOnly = lines("int core() {", "    " + BEGIN, "    return 1;", "    " + END, "}");
        assertThat(SolutionMarkers.stubExtensions(coreOnly, "Core.java", java.util.Set.of("files")).text())
                .as("a file without an extension region ships unchanged").isEqualTo(coreOnly);
    }
}
