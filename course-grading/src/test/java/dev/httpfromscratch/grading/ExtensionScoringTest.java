package dev.httpfromscratch.grading;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.httpfromscratch.testkit.Extension;
import dev.httpfromscratch.testkit.ExtensionScoring;
import dev.httpfromscratch.testkit.GradedTest;
import dev.httpfromscratch.testkit.ScoreReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * An extension checkpoint (docs/08-files.md) is scored apart from the core course: every report shows
 * its tests and an "extensions: files x / y" line, the score and its maximum stay the core course's,
 * and only grading.extensions=include adds it in (docs/instructors.md, "Extensions").
 */
@DisplayName("Extensions: scored apart from the core course unless the instructor includes them")
class ExtensionScoringTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** A final server with 10 core points (6 earned) and a files extension worth 5 (2 earned). */
    private static List<GradedTest> finalServerTests() {
        return List.of(
                new GradedTest("keeps the connection alive", 6, true, "", false, "KeepAliveTest.keepsAlive", 0.1),
                new GradedTest("closes idle connections", 4, false, "still open after 2 s", false, "TimeoutTest.closesIdle", 0.1),
                new GradedTest("serves a file", 2, true, "", false, "FileRoutesTest.servesAFile", 0.1, null, "files"),
                new GradedTest("answers a range with 206", 3, false, "got 200, expected 206", false, "RangeTest.partial", 0.1, null, "files"));
    }

    private static ScoreReport report(ExtensionScoring scoring) {
        return new ScoreReport("final-server", finalServerTests(), 1.0, scoring);
    }

    @Test
    @DisplayName("a step's report: core 'x / y points' as before, then 'extensions: files x / y', extension tests named '[files] ...'")
    void stepReportKeepsTheExtensionApart() {
        ScoreReport report = report(ExtensionScoring.APART);
        assertThat(report.earned()).as("core points earned").isEqualTo(6);
        assertThat(report.possible()).as("core points possible").isEqualTo(10);
        String markdown = report.markdown();
        assertThat(markdown).as("the step's Markdown report")
                .startsWith("### final-server: 6 / 10 points\n\nextensions: files 2 / 5 (not counted in the score)\n")
                .contains("| pass | [files] serves a file | 2 / 2 |")
                .contains("| **FAIL** | [files] answers a range with 206 | 0 / 3 |");
    }

    @Test
    @DisplayName("Gradescope: extension tests listed with their points and extra_data.extension; the score is the core's unless included")
    void gradescopeScoreIsCoreUnlessIncluded() {
        JsonNode apart = JSON.readTree(report(ExtensionScoring.APART).gradescopeJson());
        assertThat(apart.get("score").asInt()).as("Gradescope score with extensions apart").isEqualTo(6);
        assertThat(apart.get("output").asString()).contains("extensions: files 2 / 5 (not counted in the score)");
        JsonNode file = apart.get("tests").get(2);
        assertThat(file.get("name").asString()).isEqualTo("[files] serves a file");
        assertThat(file.get("extra_data").get("extension").asString()).isEqualTo("files");
        assertThat(file.get("tags").toString()).contains("extension:files");
        JsonNode included = JSON.readTree(report(ExtensionScoring.INCLUDE).gradescopeJson());
        assertThat(included.get("score").asInt()).as("Gradescope score with extensions included").isEqualTo(8);
    }

    @Test
    @DisplayName("Classroom: extension tests never reach the reporter's sum unless included")
    void classroomMaximumIsCoreUnlessIncluded() {
        JsonNode apart = JSON.readTree(report(ExtensionScoring.APART).classroomJson());
        assertThat(apart.get("max_score").asInt()).as("max_score with extensions apart").isEqualTo(10);
        assertThat(apart.get("tests").toString()).as("the tests the reporter adds up").doesNotContain("[files]");
        assertThat(apart.get("extensions")).as("the extension's tests, listed apart").hasSize(2);
        JsonNode included = JSON.readTree(report(ExtensionScoring.INCLUDE).classroomJson());
        assertThat(included.get("max_score").asInt()).as("max_score with extensions included").isEqualTo(15);
        assertThat(included.has("extensions")).isFalse();
    }

    /** The course as CourseReport reads it: a core step and the final server with its extension. */
    private static List<CourseReport.StepScore> course(Path dir) throws IOException {
        ScoreReport step1 = new ScoreReport("step1-sockets",
                List.of(new GradedTest("accepts", 3, true, "", false, "AcceptLoopTest.accepts", 0.1)), 1.0);
        List<CourseReport.StepScore> steps = new ArrayList<>();
        for (ScoreReport report : List.of(step1, report(ExtensionScoring.INCLUDE))) { // a step's own switch must not matter
            report.writeTo(dir.resolve(report.module()));
            steps.add(CourseReport.readResults(dir.resolve(report.module()).resolve("results.json"), report.module()));
        }
        return steps;
    }

    @Test
    @DisplayName("the course total stays core only, with the extension's total next to it and its own column")
    void courseTotalIsCoreOnly(@TempDir Path dir) throws IOException {
        List<CourseReport.StepScore> steps = course(dir);
        String markdown = CourseReport.markdown(steps, ExtensionScoring.APART);
        assertThat(markdown).as("the course report")
                .startsWith("## Course score: 9 / 13 points\n\nextensions: files 2 / 5 (not counted in the score)\n")
                .contains("| step | points | tests passed | extensions |")
                .contains("| final-server | 6 / 10 | 1 / 2 | files 2 / 5 |")
                .contains("| **total** | **9 / 13** | | **files 2 / 5** (not counted) |");
        JsonNode gradescope = CourseReport.gradescope(steps, ExtensionScoring.APART);
        assertThat(gradescope.get("score").asInt()).isEqualTo(9);
        assertThat(gradescope.get("tests").toString()).contains("final-server › [files] serves a file");
        assertThat(CourseReport.classroom(steps, ExtensionScoring.APART).get("max_score").asInt()).isEqualTo(13);
    }

    @Test
    @DisplayName("grading.extensions=include: the course score and every maximum count the extension, and say so")
    void includeCountsTheExtension(@TempDir Path dir) throws IOException {
        List<CourseReport.StepScore> steps = course(dir);
        assertThat(CourseReport.markdown(steps, ExtensionScoring.INCLUDE))
                .startsWith("## Course score: 11 / 18 points (core 9 / 13, extensions counted)\n\nextensions: files 2 / 5 (counted in the score)\n");
        assertThat(CourseReport.gradescope(steps, ExtensionScoring.INCLUDE).get("score").asInt()).isEqualTo(11);
        JsonNode classroom = CourseReport.classroom(steps, ExtensionScoring.INCLUDE);
        assertThat(classroom.get("max_score").asInt()).isEqualTo(18);
        assertThat(classroom.get("tests")).as("one Classroom entry per point, extension included").hasSize(18);
    }

    @Test
    @DisplayName("--expect zero and --expect full hold the extension's tests to the same rule as the core's")
    void expectChecksTheExtension(@TempDir Path dir) throws IOException {
        List<CourseReport.StepScore> steps = course(dir);
        assertThat(CourseReport.unexpected(steps, "zero")).as("problems of a starter that passes an extension test")
                .anyMatch(line -> line.contains("'[files] serves a file'"));
        assertThat(CourseReport.unexpected(steps, "full")).as("problems of a reference that fails an extension test")
                .anyMatch(line -> line.contains("the reference fails '[files] answers a range with 206'"));
    }

    @Test
    @DisplayName("the next failing test is the core course's before any extension's")
    void nextFailingTestIsCoreFirst(@TempDir Path dir) throws IOException {
        List<CourseReport.StepScore> steps = course(dir);
        assertThat(CourseReport.nextFailingTest(steps, dir)).hasValueSatisfying(next ->
                assertThat(next).startsWith("Next: final-server › closes idle connections"));
    }

    @Test
    @DisplayName("the instructor's grader: the answer key keeps the extension, scores.csv gets its own columns")
    void submissionScoreKeepsTheExtension(@TempDir Path key) throws IOException {
        report(ExtensionScoring.APART).writeTo(key);
        List<SubmissionScore.KeyTest> answerKey = SubmissionScore.answerKey(key);
        assertThat(answerKey.get(2)).as("the key of an extension test")
                .isEqualTo(new SubmissionScore.KeyTest("serves a file", 2, false, "FileRoutesTest.servesAFile", "files"));
        GradedTest scored = SubmissionScore.score(answerKey.get(2), List.of(), "");
        assertThat(scored.extension()).as("a graded extension test that did not run").isEqualTo("files");
        assertThat(SubmissionScore.csvRow("alice", "final-server", report(ExtensionScoring.APART)))
                .isEqualTo("alice,final-server,6,10,files,2,5");
        assertThat(SubmissionScore.csvRow("alice", "step1-sockets", new ScoreReport("step1-sockets",
                List.of(new GradedTest("accepts", 3, true, "", false, "AcceptLoopTest.accepts", 0.1)), 1.0)))
                .isEqualTo("alice,step1-sockets,3,3,,,");
    }

    @Test
    @DisplayName("a step that did not run still declares its extension's points, read from the @Extension test files")
    void declaredPointsSplitByExtension(@TempDir Path module) throws IOException {
        Path tests = Files.createDirectories(module.resolve("src/test/java/x"));
        Files.writeString(tests.resolve("CoreTest.java"), "class CoreTest { @" + "Points(3) void a() {} @" + "Points(2) void b() {} }");
        Files.writeString(tests.resolve("FilesTest.java"), "@" + "Extension(\"files\") class FilesTest { @" + "Points(4) void c() {} }");
        assertThat(CourseModules.declaredPoints(module)).as("core points declared").isEqualTo(5);
        assertThat(CourseModules.declaredExtensionPoints(module)).isEqualTo(Map.of("files", 4));
        Files.writeString(tests.resolve("LaterTest.java"), "@" + "Extension(\"later\") class LaterTest { }");
        assertThat(CourseModules.declaredExtensionPoints(module)).as("an extension without points yet is worth nothing").isEqualTo(Map.of("files", 4));
        assertThat(CourseModules.declaredExtensions(module)).as("but the starter knows its name").containsExactlyInAnyOrder("files", "later");
    }

    @Test
    @DisplayName("a misspelt switch is refused with the two words it takes")
    void misspeltSwitchIsRefused() {
        assertThat(ExtensionScoring.parse(null)).isEqualTo(ExtensionScoring.APART);
        assertThat(ExtensionScoring.parse("Include")).isEqualTo(ExtensionScoring.INCLUDE);
        assertThatThrownBy(() -> ExtensionScoring.parse("yes")).hasMessageContaining("apart").hasMessageContaining("include");
    }

    /**
     * A fake extension checkpoint, run by the test below through JUnit's launcher with the kit's
     * listener. Surefire leaves nested classes alone, and its annotation is spelt in full so that
     * course-grading itself is never taken for a graded step.
     */
    @Extension("files")
    @DisplayName("Extension: serving files")
    static class FakeFilesCheckpoint {
        @Test
        @dev.httpfromscratch.testkit.Points(2)
        @DisplayName("serves a file")
        void passes() {}

        @Test
        @dev.httpfromscratch.testkit.Points(3)
        @DisplayName("answers a range with 206")
        void fails() {
            assertThat(200).as("status of a Range request").isEqualTo(206);
        }
    }

    @Test
    @DisplayName("the kit's listener reads @Extension off the test class and writes the step's report with the extension apart")
    void listenerReadsTheAnnotation(@TempDir Path dir) throws IOException {
        String oldDir = System.getProperty("grading.dir");
        String oldModule = System.getProperty("grading.module");
        System.setProperty("grading.dir", dir.toString());
        System.setProperty("grading.module", "fake-final-server");
        try {
            LauncherFactory.create().execute(LauncherDiscoveryRequestBuilder.request().selectors(selectClass(FakeFilesCheckpoint.class)).build());
        } finally {
            restore("grading.dir", oldDir);
            restore("grading.module", oldModule);
        }
        String markdown = Files.readString(dir.resolve("report.md"));
        assertThat(markdown).as("the report the listener wrote")
                .startsWith("### fake-final-server: 0 / 0 points\n\nextensions: files 2 / 5 (not counted in the score)\n")
                .contains("[files] Extension: serving files › serves a file");
        assertThat(JSON.readTree(dir.resolve("results.json").toFile()).get("score").asInt()).as("Gradescope score").isZero();
    }

    private static void restore(String property, String value) {
        if (value == null) {
            System.clearProperty(property);
        } else {
            System.setProperty(property, value);
        }
    }
}
