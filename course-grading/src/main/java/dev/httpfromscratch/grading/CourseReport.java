package dev.httpfromscratch.grading;

import dev.httpfromscratch.testkit.ExtensionScoring;
import dev.httpfromscratch.testkit.ScoreReport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The course's score: adds up the report every step's test run left in
 * {@code <module>/target/grading/results.json} (written by the test kit's GradingListener) into
 * {@code target/grading/} at the root:
 * <ul>
 *   <li>{@code report.md}: per step, points earned / possible and each failed check with its message;</li>
 *   <li>{@code results.json}: every step's tests in one Gradescope results file;</li>
 *   <li>{@code classroom.json}: the same for GitHub Classroom's grading reporter, one runner.</li>
 * </ul>
 * With {@code --expect full} (the reference) or {@code --expect zero} (the starter) it also fails
 * the build when a step scored otherwise, naming the tests at fault (an extension's tests too).
 *
 * <p>An extension checkpoint's tests ({@code extra_data.extension} in a step's results.json) are shown
 * with their step but scored apart: the course total is the core course's, an "extensions: files x / y"
 * line stands next to it, and only {@code --extensions include} adds them to the score and its maximum
 * (docs/instructors.md, "Extensions").
 */
public final class CourseReport {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /**
     * One step's result as read from its results.json, or why there is none. {@code earned} and
     * {@code possible} are the core course's; an extension's points are in its tests (and, for a step
     * that did not run, in {@code declaredExtensions}, read from the test sources).
     */
    record StepScore(String module, int earned, int possible, List<JsonNode> tests, String problem,
                     Map<String, Integer> declaredExtensions) {
        StepScore(String module, int earned, int possible, List<JsonNode> tests, String problem) {
            this(module, earned, possible, tests, problem, Map.of());
        }

        boolean ran() {
            return problem == null;
        }

        List<JsonNode> coreTests() {
            return tests.stream().filter(test -> extensionOf(test).isEmpty()).toList();
        }

        /** This step's extensions, each with its points earned and possible. */
        List<ScoreReport.ExtensionTotal> extensions() {
            Map<String, int[]> totals = new LinkedHashMap<>();
            declaredExtensions.forEach((name, points) -> totals.put(name, new int[] {0, points}));
            for (JsonNode test : tests) {
                String extension = extensionOf(test);
                if (!extension.isEmpty()) {
                    int[] total = totals.computeIfAbsent(extension, name -> new int[2]);
                    total[0] += test.get("score").asInt();
                    total[1] += test.get("max_score").asInt();
                }
            }
            return totals.entrySet().stream()
                    .map(e -> new ScoreReport.ExtensionTotal(e.getKey(), e.getValue()[0], e.getValue()[1])).toList();
        }

        int scoreEarned(ExtensionScoring scoring) {
            return earned + (scoring.counts() ? extensions().stream().mapToInt(ScoreReport.ExtensionTotal::earned).sum() : 0);
        }

        int scorePossible(ExtensionScoring scoring) {
            return possible + (scoring.counts() ? extensions().stream().mapToInt(ScoreReport.ExtensionTotal::possible).sum() : 0);
        }
    }

    /** The extension a test of a results.json belongs to ({@code extra_data.extension}), or "" for the core course. */
    static String extensionOf(JsonNode test) {
        return test.path("extra_data").path("extension").asString("");
    }

    public static void main(String[] args) throws IOException {
        Arguments arguments = Arguments.parse(args);
        Path root = arguments.path("--root");
        String since = arguments.text("--since", "any");
        String expect = arguments.text("--expect", "none");
        ExtensionScoring scoring;
        try {
            scoring = ExtensionScoring.parse(arguments.text("--extensions", ""));
        } catch (IllegalArgumentException misspelt) {
            System.err.println(misspelt.getMessage());
            System.exit(1);
            return;
        }
        Instant buildStart = since.equals("any") || since.isBlank() ? Instant.EPOCH : Instant.parse(since);

        List<String> modules = CourseModules.list(root);
        List<String> gradedAfterThis = modules.subList(modules.indexOf(CourseModules.SELF) + 1, modules.size()).stream()
                .filter(module -> CourseModules.declaredPoints(root.resolve(module)) > 0).toList();
        if (!gradedAfterThis.isEmpty()) {
            // Maven builds modules without dependencies between them in the order listed: a step
            // listed after this one would be graded before its tests ran.
            System.err.println("course-grading must come after every graded <module> of the root pom; move "
                    + gradedAfterThis + " above it.");
            System.exit(1);
        }
        List<StepScore> steps = new ArrayList<>();
        for (String module : modules) {
            if (!module.equals(CourseModules.SELF)) {
                StepScore step = read(root.resolve(module), module, buildStart);
                if (step != null) {
                    steps.add(step);
                }
            }
        }
        Path directory = root.resolve("target/grading");
        writeCourse(steps, directory, "", scoring);
        String jobSummary = System.getenv("GITHUB_STEP_SUMMARY");
        if (jobSummary != null && !jobSummary.isBlank()) {
            // The steps appended their own tables already; the course total goes last.
            Files.writeString(Path.of(jobSummary), summaryTable(steps, scoring) + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
        System.out.println();
        System.out.println(markdown(steps, scoring));
        nextFailingTest(steps, root).ifPresent(System.out::println);
        System.out.println("(course score report: " + directory.resolve("report.md") + ")");

        List<String> unexpected = unexpected(steps, expect);
        if (!unexpected.isEmpty()) {
            System.out.println();
            System.out.println("GRADING CHECK FAILED (--expect " + expect + "):");
            unexpected.forEach(line -> System.out.println("  - " + line));
            System.exit(1);
        }
        if (!expect.equals("none")) {
            System.out.println("grading check passed: every step scored " + (expect.equals("full") ? "full marks" : "zero")
                    + (steps.stream().anyMatch(step -> !step.extensions().isEmpty()) ? ", extensions included" : "") + ".");
        }
    }

    /**
     * Writes the course's reports into {@code directory}: report.md, results.json (Gradescope),
     * classroom.json and classroom.base64 (GitHub Classroom). {@code problems}, when not empty,
     * heads the Markdown report and Gradescope's output (a submission's layout problems, say).
     */
    static void writeCourse(List<StepScore> steps, Path directory, String problems, ExtensionScoring scoring) throws IOException {
        Files.createDirectories(directory);
        String markdown = (problems.isBlank() ? "" : "**Problems with the submission:**\n\n```text\n" + problems.strip() + "\n```\n\n")
                + markdown(steps, scoring);
        Files.writeString(directory.resolve("report.md"), markdown, StandardCharsets.UTF_8);
        ObjectNode gradescope = gradescope(steps, scoring);
        if (!problems.isBlank()) {
            gradescope.put("output", problems.strip() + "\n\n" + gradescope.get("output").asString());
        }
        Files.writeString(directory.resolve("results.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(gradescope));
        String classroom = classroomJson(steps, scoring);
        Files.writeString(directory.resolve("classroom.json"), classroom);
        Files.writeString(directory.resolve("classroom.base64"), Base64.getEncoder().encodeToString(classroom.getBytes(StandardCharsets.UTF_8)));
    }

    /** The first failing test of the course, with what it said: the next thing a student works on. */
    static java.util.Optional<String> nextFailingTest(List<StepScore> steps, Path root) {
        // The core course first, every step of it; an extension is for after.
        for (StepScore step : steps) {
            String chapter = chapterOf(root, step.module()).map(c -> "\n  (chapter: " + c + ")").orElse("");
            if (!step.ran()) {
                return java.util.Optional.of("Next: " + step.module() + ": " + step.problem() + chapter);
            }
            java.util.Optional<String> next = firstFailure(step, step.coreTests(), chapter);
            if (next.isPresent()) {
                return next;
            }
        }
        for (StepScore step : steps) {
            List<JsonNode> extensionTests = step.tests().stream().filter(test -> !extensionOf(test).isEmpty()).toList();
            java.util.Optional<String> next = firstFailure(step, extensionTests, "");
            if (next.isPresent()) {
                String chapter = chapterOfExtension(root, extensionOf(extensionTests.get(0))).map(c -> "\n  (chapter: " + c + ")").orElse("");
                return next.map(text -> text + chapter);
            }
        }
        return java.util.Optional.empty();
    }

    private static java.util.Optional<String> firstFailure(StepScore step, List<JsonNode> tests, String chapter) {
        for (JsonNode test : tests) {
            if (!test.get("status").asString().equals("passed")) {
                String output = test.get("output").asString().strip();
                List<String> lines = output.lines().limit(12).toList();
                return java.util.Optional.of("Next: " + step.module() + " › " + test.get("name").asString() + "\n  "
                        + String.join("\n  ", lines) + (output.lines().count() > lines.size() ? "\n  ... (the rest is in the report)" : "") + chapter);
            }
        }
        return java.util.Optional.empty();
    }

    /** The chapter of a module: the docs/README.md table row naming the module links it. */
    static java.util.Optional<String> chapterOf(Path root, String module) {
        return chapterNaming(root, "`" + module + "`");
    }

    /** The chapter of an extension: its docs/README.md row says "extension `files`". */
    static java.util.Optional<String> chapterOfExtension(Path root, String extension) {
        return chapterNaming(root, "extension `" + extension + "`");
    }

    private static java.util.Optional<String> chapterNaming(Path root, String needle) {
        Path course = root.resolve("docs/README.md");
        try {
            if (Files.exists(course)) {
                for (String line : Files.readAllLines(course, StandardCharsets.UTF_8)) {
                    java.util.regex.Matcher link = java.util.regex.Pattern.compile("\\]\\(([0-9][^)]*\\.md)\\)").matcher(line);
                    if (line.contains(needle) && link.find()) {
                        return java.util.Optional.of("docs/" + link.group(1));
                    }
                }
            }
        } catch (IOException unreadable) {
            // no chapter named, the rest of the report stands
        }
        return java.util.Optional.empty();
    }

    /** A step's score read from a results.json (Gradescope format) written by ScoreReport. */
    static StepScore readResults(Path results, String name) throws IOException {
        JsonNode report = JSON.readTree(results.toFile());
        List<JsonNode> tests = new ArrayList<>();
        report.get("tests").forEach(tests::add);
        // From the tests, not the report's "score": that one may count extensions (grading.extensions=include).
        List<JsonNode> core = tests.stream().filter(test -> extensionOf(test).isEmpty()).toList();
        int earned = core.stream().mapToInt(test -> test.get("score").asInt()).sum();
        int possible = core.stream().mapToInt(test -> test.get("max_score").asInt()).sum();
        return new StepScore(name, earned, possible, tests, null);
    }

    /** A graded step's score; null for a module without graded tests (course-common, the kit). */
    static StepScore read(Path module, String name, Instant buildStart) throws IOException {
        Path results = module.resolve("target/grading/results.json");
        int declared = CourseModules.declaredPoints(module);
        Map<String, Integer> extensions = CourseModules.declaredExtensionPoints(module);
        if (!Files.exists(results)) {
            return declared == 0 && extensions.isEmpty() ? null
                    : new StepScore(name, 0, declared, List.of(), "its tests did not run in this build (does it compile? was -DskipTests given?)", extensions);
        }
        if (Files.getLastModifiedTime(results).toInstant().isBefore(buildStart)) {
            return new StepScore(name, 0, declared, List.of(),
                    "its score report is from an earlier build: its tests did not run in this one (does it compile?)", extensions);
        }
        return readResults(results, name);
    }

    static String markdown(List<StepScore> steps) {
        return markdown(steps, ExtensionScoring.APART);
    }

    /** "Course score: N / M points", then the extensions' line, the table, and every failed check. */
    static String markdown(List<StepScore> steps, ExtensionScoring scoring) {
        StringBuilder md = new StringBuilder("## ").append(courseScore(steps, scoring)).append("\n\n");
        extensionLine(steps, scoring).ifPresent(line -> md.append(line).append("\n\n"));
        md.append(summaryTable(steps, scoring));
        for (StepScore step : steps) {
            List<JsonNode> failed = step.tests().stream().filter(test -> !test.get("status").asString().equals("passed")).toList();
            if (step.ran() && failed.isEmpty()) {
                continue;
            }
            md.append("\n### ").append(step.module()).append(": failed checks\n");
            if (!step.ran()) {
                md.append("\n- no score: ").append(step.problem()).append('\n');
            }
            for (JsonNode test : failed) {
                md.append("\n- **").append(test.get("name").asString()).append("**")
                        .append(test.path("visibility").asString("").equals("after_published") ? " *(hidden)*" : "").append(" (0 / ").append(test.get("max_score").asInt()).append(")\n\n");
                md.append("  ```text\n");
                for (String line : test.get("output").asString().split("\n", -1)) {
                    md.append("  ").append(line.replace("```", "'''")).append('\n');
                }
                md.append("  ```\n");
            }
        }
        return md.toString();
    }

    /** "Course score: 80 / 100 points": the core course's, or with the extensions when the instructor counts them. */
    static String courseScore(List<StepScore> steps, ExtensionScoring scoring) {
        String score = "Course score: " + scoreTotal(steps, scoring, true) + " / " + scoreTotal(steps, scoring, false) + " points";
        if (scoring.counts() && !extensions(steps).isEmpty()) {
            score += " (core " + total(steps, true) + " / " + total(steps, false) + ", extensions counted)";
        }
        return score;
    }

    /** Every step's extensions added up by name: "extensions: files 12 / 40 (not counted in the score)". */
    static Optional<String> extensionLine(List<StepScore> steps, ExtensionScoring scoring) {
        return ScoreReport.extensionLine(extensions(steps), scoring);
    }

    static List<ScoreReport.ExtensionTotal> extensions(List<StepScore> steps) {
        Map<String, int[]> totals = new LinkedHashMap<>();
        for (StepScore step : steps) {
            for (ScoreReport.ExtensionTotal extension : step.extensions()) {
                int[] total = totals.computeIfAbsent(extension.name(), name -> new int[2]);
                total[0] += extension.earned();
                total[1] += extension.possible();
            }
        }
        return totals.entrySet().stream().map(e -> new ScoreReport.ExtensionTotal(e.getKey(), e.getValue()[0], e.getValue()[1])).toList();
    }

    static String summaryTable(List<StepScore> steps) {
        return summaryTable(steps, ExtensionScoring.APART);
    }

    /** The course table; an "extensions" column appears when a step has one. */
    static String summaryTable(List<StepScore> steps, ExtensionScoring scoring) {
        boolean withExtensions = !extensions(steps).isEmpty();
        StringBuilder md = new StringBuilder(withExtensions
                ? "| step | points | tests passed | extensions |\n|---|---|---|---|\n"
                : "| step | points | tests passed |\n|---|---|---|\n");
        for (StepScore step : steps) {
            List<JsonNode> core = step.coreTests();
            long passed = core.stream().filter(test -> test.get("status").asString().equals("passed")).count();
            md.append("| ").append(step.module()).append(" | ").append(step.earned()).append(" / ").append(step.possible())
                    .append(" | ").append(step.ran() ? passed + " / " + core.size() : "did not run").append(" |");
            if (withExtensions) {
                md.append(' ').append(step.extensions().stream().map(e -> e.name() + " " + e.earned() + " / " + e.possible())
                        .collect(Collectors.joining(", "))).append(" |");
            }
            md.append('\n');
        }
        md.append("| **total** | **").append(total(steps, true)).append(" / ").append(total(steps, false)).append("** | |");
        if (withExtensions) {
            md.append(' ').append(extensions(steps).stream().map(e -> "**" + e.name() + " " + e.earned() + " / " + e.possible() + "**")
                    .collect(Collectors.joining(", "))).append(scoring.counts() ? " (counted)" : " (not counted)").append(" |");
        }
        return md.append('\n').toString();
    }

    static ObjectNode gradescope(List<StepScore> steps) {
        return gradescope(steps, ExtensionScoring.APART);
    }

    /**
     * The course in Gradescope's format. An extension's tests are listed like the others (their names
     * start with "[files] ", {@code extra_data.extension} names the extension) with their own points;
     * the top-level {@code score}, which Gradescope takes over the tests' sum, counts them only when
     * the instructor includes extensions.
     */
    static ObjectNode gradescope(List<StepScore> steps, ExtensionScoring scoring) {
        ObjectNode results = JSON.createObjectNode();
        results.put("score", scoreTotal(steps, scoring, true));
        results.put("output", courseScore(steps, scoring) + extensionLine(steps, scoring).map(line -> "\n" + line).orElse(""));
        results.put("visibility", "visible");
        results.put("stdout_visibility", "hidden");
        ArrayNode tests = results.putArray("tests");
        for (int s = 0; s < steps.size(); s++) {
            StepScore step = steps.get(s);
            if (!step.ran()) {
                // No test ran, yet the step's points are lost: one failed entry carries them (one per extension too).
                missing(tests, step.module() + " › tests did not run", (s + 1) + ".0", step.possible(), step.problem(), step.module());
                int e = 0;
                for (Map.Entry<String, Integer> extension : step.declaredExtensions().entrySet()) {
                    ObjectNode entry = missing(tests, step.module() + " › [" + extension.getKey() + "] tests did not run",
                            (s + 1) + ".0." + (++e), extension.getValue(), step.problem(), step.module());
                    ((ArrayNode) entry.get("tags")).add("extension:" + extension.getKey());
                    entry.putObject("extra_data").put("extension", extension.getKey());
                }
            }
            for (int t = 0; t < step.tests().size(); t++) {
                ObjectNode test = ((ObjectNode) step.tests().get(t)).deepCopy();
                test.put("name", step.module() + " › " + test.get("name").asString());
                test.put("number", (s + 1) + "." + (t + 1));
                tests.add(test);
            }
        }
        return results;
    }

    private static ObjectNode missing(ArrayNode tests, String name, String number, int points, String problem, String module) {
        ObjectNode missing = tests.addObject();
        missing.put("name", name);
        missing.put("number", number);
        missing.put("score", 0);
        missing.put("max_score", points);
        missing.put("status", "failed");
        missing.put("output", problem);
        missing.putArray("tags").add(module);
        missing.put("visibility", "visible");
        return missing;
    }

    /**
     * Largest classroom.json kept: GitHub passes it base64-encoded (4/3 larger) in one environment
     * variable, and a variable over 128 KiB stops the reporter ("Argument list too long") so that no
     * points are posted at all. 60 KiB of JSON is 80 KiB of base64, under two thirds of the limit.
     */
    static final int CLASSROOM_JSON_LIMIT = 60 * 1024;

    /**
     * The Classroom payload, its messages shortened until it fits {@link #CLASSROOM_JSON_LIMIT} (the full
     * messages are in report.md and the job summary). Shortened step by step, so small reports keep everything.
     */
    static String classroomJson(List<StepScore> steps) {
        return classroomJson(steps, ExtensionScoring.APART);
    }

    static String classroomJson(List<StepScore> steps, ExtensionScoring scoring) {
        String full = JSON.writeValueAsString(classroom(steps, MESSAGE_LIMIT, scoring));
        if (full.getBytes(StandardCharsets.UTF_8).length <= CLASSROOM_JSON_LIMIT) {
            return full;
        }
        // What the names and fields take without any message; what is left is shared by the messages.
        ObjectNode bare = classroom(steps, 0, scoring);
        long messages = steps.stream().mapToLong(step -> step.ran()
                ? step.tests().stream().filter(test -> !test.get("output").asString().isEmpty()).count() : 1).sum();
        int left = CLASSROOM_JSON_LIMIT - JSON.writeValueAsString(bare).getBytes(StandardCharsets.UTF_8).length;
        int each = (int) Math.min(MESSAGE_LIMIT, Math.max(0, left / Math.max(1, messages) / 2 - 60)); // /2: escapes, multi-byte characters
        return JSON.writeValueAsString(classroom(steps, each, scoring));
    }

    /** Longest message kept in the Classroom payload when everything fits. */
    static final int MESSAGE_LIMIT = 2_000;

    static ObjectNode classroom(List<StepScore> steps) {
        return classroom(steps, Integer.MAX_VALUE, ExtensionScoring.APART);
    }

    static ObjectNode classroom(List<StepScore> steps, ExtensionScoring scoring) {
        return classroom(steps, Integer.MAX_VALUE, scoring);
    }

    /**
     * One Classroom entry per POINT, not per test ("name (1/3)", "(2/3)", ...): the reporter's notice adds
     * up the entries' scores while its console table weighs passed entries against the maximum, and the
     * two totals agree only when every entry is worth the same. The message goes on a test's first entry.
     * The reporter adds up every entry of {@code tests}: an extension's tests stand there only when the
     * instructor counts them; kept apart, they are listed under {@code extensions} (one entry per test,
     * with its points), which the reporter does not read.
     */
    static ObjectNode classroom(List<StepScore> steps, int messageLimit, ExtensionScoring scoring) {
        ObjectNode results = JSON.createObjectNode();
        results.put("version", 1);
        boolean allPassed = steps.stream().allMatch(step -> step.ran() && step.scoreEarned(scoring) == step.scorePossible(scoring));
        results.put("status", allPassed ? "pass" : "fail");
        results.put("max_score", scoreTotal(steps, scoring, false));
        ArrayNode tests = results.putArray("tests");
        ArrayNode apart = JSON.createArrayNode();
        for (StepScore step : steps) {
            if (!step.ran()) {
                int points = step.scorePossible(scoring);
                for (int point = 1; point <= points; point++) {
                    addPoint(tests, step.module() + " › tests did not run", point, points, false,
                            point == 1 ? step.problem() : "", "mvn -pl " + step.module() + " test", messageLimit);
                }
            }
            for (JsonNode test : step.tests()) {
                boolean passed = test.get("status").asString().equals("passed");
                int points = test.get("max_score").asInt();
                String name = step.module() + " › " + test.get("name").asString();
                if (!extensionOf(test).isEmpty() && !scoring.counts()) {
                    ObjectNode entry = apart.addObject();
                    entry.put("name", name);
                    entry.put("extension", extensionOf(test));
                    entry.put("status", passed ? "pass" : "fail");
                    entry.put("score", test.get("score").asInt());
                    entry.put("max_score", points);
                    continue;
                }
                JsonNode location = test.path("extra_data").path("test");
                String rerun = "mvn -pl " + step.module() + " test"
                        + (location.isMissingNode() ? "" : " -Dtest='" + location.asString().replace('.', '#') + "'");
                for (int point = 1; point <= points; point++) {
                    addPoint(tests, name, point, points, passed,
                            point == 1 ? test.get("output").asString() : "", point == 1 ? rerun : "", messageLimit);
                }
            }
        }
        if (!apart.isEmpty()) {
            results.set("extensions", apart);
        }
        return results;
    }

    private static void addPoint(ArrayNode tests, String name, int point, int points, boolean passed, String message,
                                 String rerun, int messageLimit) {
        ObjectNode entry = tests.addObject();
        entry.put("name", points == 1 ? name : name + " (" + point + "/" + points + ")");
        entry.put("status", passed ? "pass" : "fail");
        entry.put("score", passed ? 1 : 0);
        entry.put("message", message.length() <= messageLimit ? message
                : messageLimit == 0 ? "" : message.substring(0, messageLimit) + "... (the rest: report.md, job summary)");
        entry.put("test_code", rerun);
        entry.put("line_no", 1);
    }

    /** What makes `--expect full` or `--expect zero` fail, one line per step or test at fault. */
    static List<String> unexpected(List<StepScore> steps, String expect) {
        List<String> problems = new ArrayList<>();
        if (expect.equals("none")) {
            return problems;
        }
        if (steps.isEmpty()) {
            problems.add("no graded step was found in the root pom's modules");
        }
        for (StepScore step : steps) {
            if (!step.ran()) {
                problems.add(step.module() + ": " + step.problem());
                continue;
            }
            for (JsonNode test : step.tests()) {
                boolean passed = test.get("status").asString().equals("passed");
                // An extension's tests are held to the same rule: they bite on the starter, the reference passes them.
                if (expect.equals("full") && !passed) {
                    problems.add(step.module() + ": the reference fails '" + test.get("name").asString() + "'");
                } else if (expect.equals("zero") && passed) {
                    problems.add(step.module() + ": a graded test passes on the starter, so it tests nothing a student writes: '"
                            + test.get("name").asString() + "'");
                }
            }
            if (step.possible() == 0) {
                problems.add(step.module() + ": no graded test ran");
            }
        }
        return problems;
    }

    /** The core course's total. */
    private static int total(List<StepScore> steps, boolean earned) {
        return steps.stream().mapToInt(step -> earned ? step.earned() : step.possible()).sum();
    }

    /** What the score counts: the core, and the extensions when the instructor includes them. */
    private static int scoreTotal(List<StepScore> steps, ExtensionScoring scoring, boolean earned) {
        return steps.stream().mapToInt(step -> earned ? step.scoreEarned(scoring) : step.scorePossible(scoring)).sum();
    }
}
