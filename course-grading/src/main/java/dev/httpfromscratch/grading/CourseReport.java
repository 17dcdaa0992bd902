package dev.httpfromscratch.grading;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
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
 * the build when a step scored otherwise, naming the tests at fault.
 */
public final class CourseReport {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** One step's result as read from its results.json, or why there is none. */
    record StepScore(String module, int earned, int possible, List<JsonNode> tests, String problem) {
        boolean ran() {
            return problem == null;
        }
    }

    public static void main(String[] args) throws IOException {
        Arguments arguments = Arguments.parse(args);
        Path root = arguments.path("--root");
        String since = arguments.text("--since", "any");
        String expect = arguments.text("--expect", "none");
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
        Files.createDirectories(directory);
        String markdown = markdown(steps);
        Files.writeString(directory.resolve("report.md"), markdown, StandardCharsets.UTF_8);
        Files.writeString(directory.resolve("results.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(gradescope(steps)));
        String classroom = JSON.writeValueAsString(classroom(steps));
        Files.writeString(directory.resolve("classroom.json"), classroom);
        Files.writeString(directory.resolve("classroom.base64"), Base64.getEncoder().encodeToString(classroom.getBytes(StandardCharsets.UTF_8)));
        String jobSummary = System.getenv("GITHUB_STEP_SUMMARY");
        if (jobSummary != null && !jobSummary.isBlank()) {
            // The steps appended their own tables already; the course total goes last.
            Files.writeString(Path.of(jobSummary), summaryTable(steps) + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
        System.out.println();
        System.out.println(markdown);
        System.out.println("(course score report: " + directory + ")");

        List<String> unexpected = unexpected(steps, expect);
        if (!unexpected.isEmpty()) {
            System.out.println();
            System.out.println("GRADING CHECK FAILED (--expect " + expect + "):");
            unexpected.forEach(line -> System.out.println("  - " + line));
            System.exit(1);
        }
        if (!expect.equals("none")) {
            System.out.println("grading check passed: every step scored " + (expect.equals("full") ? "full marks" : "zero") + ".");
        }
    }

    /** A graded step's score; null for a module without graded tests (course-common, the kit). */
    static StepScore read(Path module, String name, Instant buildStart) throws IOException {
        Path results = module.resolve("target/grading/results.json");
        int declared = CourseModules.declaredPoints(module);
        if (!Files.exists(results)) {
            return declared == 0 ? null
                    : new StepScore(name, 0, declared, List.of(), "its tests did not run in this build (does it compile? was -DskipTests given?)");
        }
        if (Files.getLastModifiedTime(results).toInstant().isBefore(buildStart)) {
            return new StepScore(name, 0, declared, List.of(),
                    "its score report is from an earlier build: its tests did not run in this one (does it compile?)");
        }
        JsonNode report = JSON.readTree(results.toFile());
        List<JsonNode> tests = new ArrayList<>();
        report.get("tests").forEach(tests::add);
        int possible = tests.stream().mapToInt(test -> test.get("max_score").asInt()).sum();
        return new StepScore(name, report.get("score").asInt(), possible, tests, null);
    }

    static String markdown(List<StepScore> steps) {
        StringBuilder md = new StringBuilder("## Course score: ");
        md.append(total(steps, true)).append(" / ").append(total(steps, false)).append(" points\n\n");
        md.append(summaryTable(steps));
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
                md.append("\n- **").append(test.get("name").asString()).append("** (0 / ").append(test.get("max_score").asInt()).append(")\n\n");
                md.append("  ```text\n");
                for (String line : test.get("output").asString().split("\n", -1)) {
                    md.append("  ").append(line.replace("```", "'''")).append('\n');
                }
                md.append("  ```\n");
            }
        }
        return md.toString();
    }

    static String summaryTable(List<StepScore> steps) {
        StringBuilder md = new StringBuilder("| step | points | tests passed |\n|---|---|---|\n");
        for (StepScore step : steps) {
            long passed = step.tests().stream().filter(test -> test.get("status").asString().equals("passed")).count();
            md.append("| ").append(step.module()).append(" | ").append(step.earned()).append(" / ").append(step.possible())
                    .append(" | ").append(step.ran() ? passed + " / " + step.tests().size() : "did not run").append(" |\n");
        }
        md.append("| **total** | **").append(total(steps, true)).append(" / ").append(total(steps, false)).append("** | |\n");
        return md.toString();
    }

    static ObjectNode gradescope(List<StepScore> steps) {
        ObjectNode results = JSON.createObjectNode();
        results.put("score", total(steps, true));
        results.put("output", "Course score: " + total(steps, true) + " / " + total(steps, false) + " points");
        results.put("visibility", "visible");
        results.put("stdout_visibility", "hidden");
        ArrayNode tests = results.putArray("tests");
        for (int s = 0; s < steps.size(); s++) {
            StepScore step = steps.get(s);
            if (!step.ran()) {
                // No test ran, yet the step's points are lost: one failed entry carries them.
                ObjectNode missing = tests.addObject();
                missing.put("name", step.module() + " › tests did not run");
                missing.put("number", (s + 1) + ".0");
                missing.put("score", 0);
                missing.put("max_score", step.possible());
                missing.put("status", "failed");
                missing.put("output", step.problem());
                missing.putArray("tags").add(step.module());
                missing.put("visibility", "visible");
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

    static ObjectNode classroom(List<StepScore> steps) {
        ObjectNode results = JSON.createObjectNode();
        results.put("version", 1);
        boolean allPassed = steps.stream().allMatch(step -> step.ran() && step.earned() == step.possible());
        results.put("status", allPassed ? "pass" : "fail");
        results.put("max_score", total(steps, false));
        ArrayNode tests = results.putArray("tests");
        for (StepScore step : steps) {
            if (!step.ran()) {
                ObjectNode missing = tests.addObject();
                missing.put("name", step.module() + " › tests did not run");
                missing.put("status", "fail");
                missing.put("score", 0);
                missing.put("message", step.problem());
            }
            for (JsonNode test : step.tests()) {
                ObjectNode entry = tests.addObject();
                boolean passed = test.get("status").asString().equals("passed");
                entry.put("name", step.module() + " › " + test.get("name").asString());
                entry.put("status", passed ? "pass" : "fail");
                entry.put("score", test.get("score").asInt());
                entry.put("message", test.get("output").asString());
            }
        }
        return results;
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

    private static int total(List<StepScore> steps, boolean earned) {
        return steps.stream().mapToInt(step -> earned ? step.earned() : step.possible()).sum();
    }
}
