package dev.httpfromscratch.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * One module's score in the three shapes graders read (docs/instructors.md, "Score reports"):
 * <ul>
 *   <li>{@code report.md}: a Markdown table for people (the terminal, a GitHub job summary);</li>
 *   <li>{@code results.json}: Gradescope's autograder format ({@code score}, {@code tests[]} with
 *       {@code name}, {@code score}, {@code max_score}, {@code status}, {@code output},
 *       {@code visibility});</li>
 *   <li>{@code classroom.json}: what GitHub Classroom's {@code autograding-grading-reporter} decodes
 *       from a {@code <RUNNER>_RESULTS} variable ({@code version}, {@code status},
 *       {@code max_score}, {@code tests[]} with {@code name}, {@code status}, {@code score},
 *       {@code message}, ...).</li>
 * </ul>
 */
public record ScoreReport(String module, List<GradedTest> tests, double seconds) {

    /** Longest failure message kept per test: enough for a transcript, short enough for a summary. */
    static final int MESSAGE_LIMIT = 4_000;

    public int earned() {
        return tests.stream().mapToInt(GradedTest::earned).sum();
    }

    public int possible() {
        return tests.stream().mapToInt(GradedTest::points).sum();
    }

    /** Writes report.md, results.json and classroom.json into {@code directory}. */
    public void writeTo(Path directory) throws IOException {
        Files.createDirectories(directory);
        Files.writeString(directory.resolve("report.md"), markdown(), StandardCharsets.UTF_8);
        Files.writeString(directory.resolve("results.json"), gradescopeJson(), StandardCharsets.UTF_8);
        Files.writeString(directory.resolve("classroom.json"), classroomJson(), StandardCharsets.UTF_8);
    }

    /** Appends the Markdown report to a GitHub Actions job summary ($GITHUB_STEP_SUMMARY). */
    public void appendTo(Path jobSummary) throws IOException {
        Files.writeString(jobSummary, markdown() + "\n", StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    public String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("### ").append(module).append(": ").append(earned()).append(" / ").append(possible()).append(" points\n\n");
        nextStage().ifPresent(next -> md.append(next).append("\n\n"));
        md.append("| result | test | points |\n|---|---|---|\n");
        for (GradedTest test : tests) {
            md.append("| ").append(test.passed() ? "pass" : "**FAIL**")
                    .append(" | ").append(cell(test.name())).append(test.hidden() ? " *(hidden)*" : "")
                    .append(" | ").append(test.earned()).append(" / ").append(test.points()).append(" |\n");
        }
        List<GradedTest> failed = tests.stream().filter(test -> !test.passed()).toList();
        if (!failed.isEmpty()) {
            md.append("\nFailed checks:\n");
            for (GradedTest test : failed) {
                md.append("\n- **").append(cell(test.name())).append("** (").append(test.location()).append(")\n\n");
                md.append("  ```text\n");
                for (String line : shortened(test.message()).split("\n", -1)) {
                    md.append("  ").append(line.replace("```", "'''")).append('\n');
                }
                md.append("  ```\n");
            }
        }
        return md.toString();
    }

    public String gradescopeJson() {
        StringBuilder json = new StringBuilder();
        json.append("{\n  \"score\": ").append(earned())
                .append(",\n  \"execution_time\": ").append(Math.round(seconds))
                .append(",\n  \"output\": ").append(Json.string(module + ": " + earned() + " / " + possible() + " points"
                        + nextStage().map(next -> "\n" + next).orElse("")))
                .append(",\n  \"visibility\": \"visible\",\n  \"stdout_visibility\": \"hidden\",\n  \"tests\": [");
        for (int i = 0; i < tests.size(); i++) {
            GradedTest test = tests.get(i);
            json.append(i == 0 ? "\n" : ",\n").append("    {")
                    .append("\"name\": ").append(Json.string(test.name()))
                    .append(", \"number\": ").append(Json.string(String.valueOf(i + 1)))
                    .append(", \"score\": ").append(test.earned())
                    .append(", \"max_score\": ").append(test.points())
                    .append(", \"status\": ").append(Json.string(test.passed() ? "passed" : "failed"))
                    .append(", \"output\": ").append(Json.string(shortened(test.message())))
                    .append(", \"tags\": [").append(Json.string(module)).append(']')
                    .append(", \"visibility\": ").append(Json.string(gradescopeVisibility(test)))
                    .append(", \"extra_data\": {\"test\": ").append(Json.string(test.location())).append('}')
                    .append('}');
        }
        return json.append("\n  ]\n}\n").toString();
    }

    public String classroomJson() {
        StringBuilder json = new StringBuilder();
        boolean allPassed = tests.stream().allMatch(GradedTest::passed);
        json.append("{\n  \"version\": 1,\n  \"status\": ").append(Json.string(allPassed ? "pass" : "fail"))
                .append(",\n  \"max_score\": ").append(possible()).append(",\n  \"tests\": [");
        for (int i = 0; i < tests.size(); i++) {
            GradedTest test = tests.get(i);
            json.append(i == 0 ? "\n" : ",\n").append("    {")
                    .append("\"name\": ").append(Json.string(module + " › " + test.name()))
                    .append(", \"status\": ").append(Json.string(test.passed() ? "pass" : "fail"))
                    .append(", \"score\": ").append(test.earned())
                    .append(", \"message\": ").append(Json.string(shortened(test.message())))
                    .append(", \"test_code\": ").append(Json.string(test.location()))
                    .append(", \"filename\": \"\", \"line_no\": 0")
                    .append(", \"duration\": ").append(Json.number(Math.round(test.seconds() * 1000) / 1000.0))
                    .append('}');
        }
        return json.append("\n  ]\n}\n").toString();
    }

    /**
     * "Next: stage 2 — keep reading until the blank line, docs/02-io.md#stage-2-..." : the earliest chapter
     * stage with a failing test, which is where a student picks up; empty when no failing test has a stage.
     */
    public Optional<String> nextStage() {
        return tests.stream().filter(test -> !test.passed() && test.stage() != null).map(GradedTest::stage)
                .min(Comparator.comparingInt(Stage::value))
                .map(stage -> "Next: stage " + stage.value() + " — " + stage.title() + ", " + stage.section());
    }

    /** Hidden tests show on Gradescope once the instructor publishes grades, never before. */
    static String gradescopeVisibility(GradedTest test) {
        return test.hidden() ? "after_published" : "visible";
    }

    private static String cell(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }

    private static String shortened(String message) {
        if (message.length() <= MESSAGE_LIMIT) {
            return message;
        }
        return message.substring(0, MESSAGE_LIMIT) + "\n... (" + (message.length() - MESSAGE_LIMIT) + " more characters)";
    }
}
