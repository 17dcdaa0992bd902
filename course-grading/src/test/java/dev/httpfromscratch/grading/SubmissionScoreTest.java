package dev.httpfromscratch.grading;

import static org.assertj.core.api.Assertions.assertThat;

import dev.httpfromscratch.testkit.GradedTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How the instructor's grader turns Surefire's reports into points: by the answer key's
 * Class.method, every run of a parameterized test must pass, and a test with no report at all
 * did not run (and says why when the grading script knows).
 */
@DisplayName("Submission score: Surefire reports against the answer key")
class SubmissionScoreTest {
    @TempDir
    Path reports;

    private static final SubmissionScore.KeyTest PARSES =
            new SubmissionScore.KeyTest("Step 3 › parses one byte at a time", 3, false, "RequestParserTest.parsesOneByteAtATime");
    private static final SubmissionScore.KeyTest HIDDEN =
            new SubmissionScore.KeyTest("Step 3 › a hidden check", 1, true, "ParserHiddenTest.check");

    private Map<String, List<SubmissionScore.Case>> surefire(String testcases) throws Exception {
        Files.writeString(reports.resolve("TEST-dev.httpfromscratch.step3.RequestParserTest.xml"),
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuite name=\"dev.httpfromscratch.step3.RequestParserTest\">"
                        + testcases + "</testsuite>\n");
        return SubmissionScore.surefireCases(reports);
    }

    @Test
    @DisplayName("a parameterized test earns its points only when every run passed, and lists the runs that failed")
    void everyRunMustPass() throws Exception {
        Map<String, List<SubmissionScore.Case>> cases = surefire(
                "<testcase name=\"parsesOneByteAtATime(String)[1]\" classname=\"dev.httpfromscratch.step3.RequestParserTest\" time=\"0.1\"/>"
                + "<testcase name=\"parsesOneByteAtATime(String)[2]\" classname=\"dev.httpfromscratch.step3.RequestParserTest\" time=\"0.1\">"
                + "<failure message=\"expected GET but was null\" type=\"org.opentest4j.AssertionFailedError\">trace</failure></testcase>");
        GradedTest scored = SubmissionScore.score(PARSES, cases.get(PARSES.location()), "");
        assertThat(scored.passed()).as("passed with one failed run").isFalse();
        assertThat(scored.message()).isEqualTo("parsesOneByteAtATime(String)[2]: expected GET but was null");
    }

    @Test
    @DisplayName("all runs passing earns the points")
    void allRunsPass() throws Exception {
        Map<String, List<SubmissionScore.Case>> cases = surefire(
                "<testcase name=\"parsesOneByteAtATime(String)[1]\" classname=\"dev.httpfromscratch.step3.RequestParserTest\" time=\"0.1\"/>");
        assertThat(SubmissionScore.score(PARSES, cases.get(PARSES.location()), "").earned()).isEqualTo(3);
    }

    @Test
    @DisplayName("a graded test without any report did not run, and says why when the grading script knows")
    void missingTestDidNotRun() {
        GradedTest scored = SubmissionScore.score(HIDDEN, List.of(), "Does not compile, so its tests did not run:");
        assertThat(scored.passed()).isFalse();
        assertThat(scored.hidden()).isTrue();
        assertThat(scored.message()).isEqualTo("did not run: Does not compile, so its tests did not run:");
    }

    @Test
    @DisplayName("a timed-out test says what to look for")
    void timeoutIsExplained() throws Exception {
        Map<String, List<SubmissionScore.Case>> cases = surefire(
                "<testcase name=\"parsesOneByteAtATime(String)[1]\" classname=\"dev.httpfromscratch.step3.RequestParserTest\" time=\"60\">"
                + "<error message=\"parsesOneByteAtATime(String) timed out after 60 seconds\" type=\"java.util.concurrent.TimeoutException\">"
                + "java.util.concurrent.TimeoutException: ...</error></testcase>");
        assertThat(SubmissionScore.score(PARSES, cases.get(PARSES.location()), "").message())
                .contains("timed out after 60 seconds").contains("a loop that never ends");
    }

    @Test
    @DisplayName("a failure message of megabytes (a test quoting a server's flood of errors) is read, not a crash of the grade")
    void hugeFailureMessageIsRead() throws Exception {
        String flood = "nginx&apos;s &quot;error&quot;&#10;".repeat(100_000);
        Map<String, List<SubmissionScore.Case>> cases = surefire(
                "<testcase name=\"parsesOneByteAtATime(String)[1]\" classname=\"dev.httpfromscratch.step3.RequestParserTest\" time=\"1\">"
                + "<failure message=\"" + flood + "\" type=\"org.opentest4j.AssertionFailedError\">trace</failure></testcase>");
        assertThat(SubmissionScore.score(PARSES, cases.get(PARSES.location()), "").passed()).isFalse();
    }

    @Test
    @DisplayName("the answer key names each graded test by Class.method, from the reference's own report")
    void answerKeyFromTheReferenceReport(@TempDir Path key) throws IOException {
        Files.writeString(key.resolve("results.json"), """
                {"score": 4, "tests": [
                  {"name": "Step 3 › parses", "max_score": 3, "visibility": "visible", "extra_data": {"test": "RequestParserTest.parsesOneByteAtATime"}},
                  {"name": "Step 3 › hidden", "max_score": 1, "visibility": "after_published", "extra_data": {"test": "ParserHiddenTest.check"}}
                ]}
                """);
        assertThat(SubmissionScore.answerKey(key)).containsExactly(
                new SubmissionScore.KeyTest("Step 3 › parses", 3, false, "RequestParserTest.parsesOneByteAtATime"),
                new SubmissionScore.KeyTest("Step 3 › hidden", 1, true, "ParserHiddenTest.check"));
    }
}
