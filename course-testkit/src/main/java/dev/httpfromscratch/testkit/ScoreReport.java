package dev.httpfromscratch.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

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
 * An {@link Extension}'s tests are reported with the others, their names starting with
 * {@code "[files] "} and {@code extra_data.extension} naming it, but scored apart: the module's
 * "x / y points" is the core course's, and an "extensions: files x / y" line follows it. Whether the
 * extensions count in the score (Gradescope's {@code score}, Classroom's {@code max_score}) is the
 * instructor's {@link ExtensionScoring} switch.
 */
public record ScoreReport(String module, List<GradedTest> tests, double seconds, ExtensionScoring extensionScoring) {

    /** Longest failure message kept per test: enough for a transcript, short enough for a summary. */
    static final int MESSAGE_LIMIT = 4_000;

    /** One extension's points in this module. */
    public record ExtensionTotal(String name, int earned, int possible) {}

    /** A report that keeps extensions apart (the default). */
    public ScoreReport(String module, List<GradedTest> tests, double seconds) {
        this(module, tests, seconds, ExtensionScoring.APART);
    }

    /** Points earned in the core course (extensions never count here). */
    public int earned() {
        return core().mapToInt(GradedTest::earned).sum();
    }

    /** Points the core course offers. */
    public int possible() {
        return core().mapToInt(GradedTest::points).sum();
    }

    /** What the score counts: the core, and the extensions when the instructor includes them. */
    public int scoreEarned() {
        return counted().mapToInt(GradedTest::earned).sum();
    }

    public int scorePossible() {
        return counted().mapToInt(GradedTest::points).sum();
    }

    /** Each extension's total, in the order its first test ran. */
    public List<ExtensionTotal> extensionTotals() {
        Map<String, int[]> totals = new LinkedHashMap<>();
        for (GradedTest test : tests) {
            if (test.isExtension()) {
                int[] total = totals.computeIfAbsent(test.extension(), name -> new int[2]);
                total[0] += test.earned();
                total[1] += test.points();
            }
        }
        return totals.entrySet().stream().map(e -> new ExtensionTotal(e.getKey(), e.getValue()[0], e.getValue()[1])).toList();
    }

    /** "extensions: files 12 / 40 (not counted in the score)", or empty when the module has none. */
    public Optional<String> extensionLine() {
        return extensionLine(extensionTotals(), extensionScoring);
    }

    /** The line for any list of extension totals (the course report prints one too). */
    public static Optional<String> extensionLine(List<ExtensionTotal> totals, ExtensionScoring scoring) {
        if (totals.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of("extensions: " + totals.stream().map(t -> t.name() + " " + t.earned() + " / " + t.possible())
                .collect(Collectors.joining(", ")) + (scoring.counts() ? " (counted in the score)" : " (not counted in the score)"));
    }

    private Stream<GradedTest> core() {
        return tests.stream().filter(test -> !test.isExtension());
    }

    private Stream<GradedTest> counted() {
        return tests.stream().filter(test -> !test.isExtension() || extensionScoring.counts());
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
        extensionLine().ifPresent(line -> md.append(line).append("\n\n"));
        nextStage().ifPresent(next -> md.append(next).append("\n\n"));
        md.append("| result | test | points |\n|---|---|---|\n");
        for (GradedTest test : tests) {
            md.append("| ").append(test.passed() ? "pass" : "**FAIL**")
                    .append(" | ").append(cell(test.shownName())).append(test.hidden() ? " *(hidden)*" : "")
                    .append(" | ").append(test.earned()).append(" / ").append(test.points()).append(" |\n");
        }
        List<GradedTest> failed = tests.stream().filter(test -> !test.passed()).toList();
        if (!failed.isEmpty()) {
            md.append("\nFailed checks:\n");
            for (GradedTest test : failed) {
                md.append("\n- **").append(cell(test.shownName())).append("** (").append(test.location()).append(")\n\n");
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
        json.append("{\n  \"score\": ").append(scoreEarned())
                .append(",\n  \"execution_time\": ").append(Math.round(seconds))
                .append(",\n  \"output\": ").append(Json.string(module + ": " + earned() + " / " + possible() + " points"
                        + extensionLine().map(line -> "\n" + line).orElse("")
                        + nextStage().map(next -> "\n" + next).orElse("")))
                .append(",\n  \"visibility\": \"visible\",\n  \"stdout_visibility\": \"hidden\",\n  \"tests\": [");
        for (int i = 0; i < tests.size(); i++) {
            GradedTest test = tests.get(i);
            json.append(i == 0 ? "\n" : ",\n").append("    {")
                    .append("\"name\": ").append(Json.string(test.shownName()))
                    .append(", \"number\": ").append(Json.string(String.valueOf(i + 1)))
                    .append(", \"score\": ").append(test.earned())
                    .append(", \"max_score\": ").append(test.points())
                    .append(", \"status\": ").append(Json.string(test.passed() ? "passed" : "failed"))
                    .append(", \"output\": ").append(Json.string(shortened(test.message())))
                    .append(", \"tags\": [").append(Json.string(module))
                    .append(test.isExtension() ? ", " + Json.string("extension:" + test.extension()) : "").append(']')
                    .append(", \"visibility\": ").append(Json.string(gradescopeVisibility(test)))
                    .append(", \"extra_data\": {\"test\": ").append(Json.string(test.location()))
                    .append(test.isExtension() ? ", \"extension\": " + Json.string(test.extension()) : "").append('}')
                    .append('}');
        }
        return json.append("\n  ]\n}\n").toString();
    }

    /**
     * Classroom's reporter adds up every entry of {@code tests}, so an extension's tests stand there only
     * when they count; kept apart, they go to {@code extensions} (which the reporter does not read).
     */
    public String classroomJson() {
        StringBuilder json = new StringBuilder();
        boolean allPassed = counted().allMatch(GradedTest::passed);
        json.append("{\n  \"version\": 1,\n  \"status\": ").append(Json.string(allPassed ? "pass" : "fail"))
                .append(",\n  \"max_score\": ").append(scorePossible()).append(",\n  \"tests\": [");
        classroomTests(json, counted().toList());
        json.append("\n  ]");
        List<GradedTest> apart = tests.stream().filter(test -> test.isExtension() && !extensionScoring.counts()).toList();
        if (!apart.isEmpty()) {
            json.append(",\n  \"extensions\": [");
            classroomTests(json, apart);
            json.append("\n  ]");
        }
        return json.append("\n}\n").toString();
    }

    private void classroomTests(StringBuilder json, List<GradedTest> entries) {
        for (int i = 0; i < entries.size(); i++) {
            GradedTest test = entries.get(i);
            json.append(i == 0 ? "\n" : ",\n").append("    {")
                    .append("\"name\": ").append(Json.string(module + " › " + test.shownName()))
                    .append(", \"status\": ").append(Json.string(test.passed() ? "pass" : "fail"))
                    .append(", \"score\": ").append(test.earned())
                    .append(", \"message\": ").append(Json.string(shortened(test.message())))
                    .append(", \"test_code\": ").append(Json.string(test.location()))
                    .append(", \"filename\": \"\", \"line_no\": 0")
                    .append(", \"duration\": ").append(Json.number(Math.round(test.seconds() * 1000) / 1000.0))
                    .append('}');
        }
    }

    /**
     * "Next: stage 2 — keep reading until the blank line, docs/02-io.md#stage-2-..." : the earliest chapter
     * stage with a failing test, which is where a student picks up; empty when no failing test has a stage.
     */
    public Optional<String> nextStage() {
        // The core course first: an extension's stage 1 is not where a student with core work left picks up.
        return firstFailingStage(core()).or(() -> firstFailingStage(tests.stream().filter(GradedTest::isExtension)))
                .map(stage -> "Next: stage " + stage.value() + " — " + stage.title() + ", " + stage.section());
    }

    private static Optional<Stage> firstFailingStage(Stream<GradedTest> candidates) {
        return candidates.filter(test -> !test.passed() && test.stage() != null).map(GradedTest::stage)
                .min(Comparator.comparingInt(Stage::value));
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
