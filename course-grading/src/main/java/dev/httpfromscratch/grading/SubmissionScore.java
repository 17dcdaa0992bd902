package dev.httpfromscratch.grading;

import dev.httpfromscratch.testkit.ExtensionScoring;
import dev.httpfromscratch.testkit.GradedTest;
import dev.httpfromscratch.testkit.ScoreReport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The instructor's score of one submission (docs/instructors.md, "What is and is not tamper-proof"):
 * computed outside the test JVM, from two things the student's code cannot write:
 * <ul>
 *   <li>the <b>answer key</b>: the score report of the reference's own run ({@code <key>/<module>/results.json}, written by GradingListener when the instructor built the reference), which
 *       name every graded test, its points, whether it is hidden and its {@code Class.method};</li>
 *   <li>Surefire's XML reports of the submission's run (copied to {@code <reports>/<module>/}), written
 *       by the Maven JVM from the events Surefire's channel carried out of the test JVM, while the test JVM ran
 *       in a sandbox that could not write the folder (grading/sandbox/bin/java).</li>
 * </ul>
 * The submission's own GradingListener report is never read: a forged kit, listener or report changes nothing here.
 * A graded test earns its points when every Surefire test case of its method passed (a parameterized test has
 * one case per run); a test with no case at all did not run (its step did not compile, or the time limit hit).
 */
public final class SubmissionScore {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** One Surefire test case: passed, or why not. */
    record Case(String name, boolean passed, String message, double seconds) {}

    /** One graded test of the answer key; {@code extension} is null for the core course. */
    record KeyTest(String name, int points, boolean hidden, String location, String extension) {
        KeyTest(String name, int points, boolean hidden, String location) {
            this(name, points, hidden, location, null);
        }
    }

    public static void main(String[] args) throws Exception {
        Arguments arguments = Arguments.parse(args);
        Path key = arguments.path("--key");
        Path root = arguments.path("--root");
        Path reports = arguments.path("--reports");
        Path out = arguments.path("--out");
        String student = arguments.text("--student", "submission");
        Path notes = arguments.values().containsKey("--notes") ? arguments.path("--notes") : null;
        ExtensionScoring scoring = ExtensionScoring.parse(arguments.text("--extensions", ""));

        List<CourseReport.StepScore> steps = new ArrayList<>();
        List<String> csv = new ArrayList<>();
        for (String module : CourseModules.list(root)) {
            Path moduleKey = key.resolve(module);
            if (!Files.isRegularFile(moduleKey.resolve("results.json")) || !Files.isDirectory(reports.resolve(module))) {
                continue; // not graded, or not graded in this run (GRADING_ONLY)
            }
            List<KeyTest> answerKey = answerKey(moduleKey);
            Map<String, List<Case>> cases = surefireCases(reports.resolve(module));
            // Why a test did not run: what the script found about building and running this step
            // (compile errors, time limits, a missing folder), not the files it ignored.
            String note = noteFor(notes, module).lines().filter(line -> !line.startsWith("Ignored "))
                    .collect(java.util.stream.Collectors.joining("\n"));
            List<GradedTest> tests = new ArrayList<>();
            double seconds = 0;
            for (KeyTest keyTest : answerKey) {
                List<Case> ran = cases.getOrDefault(keyTest.location(), List.of());
                seconds += ran.stream().mapToDouble(Case::seconds).sum();
                tests.add(score(keyTest, ran, note));
            }
            ScoreReport report = new ScoreReport(module, tests, seconds, scoring);
            Path moduleOut = out.resolve(module);
            report.writeTo(moduleOut);
            steps.add(CourseReport.readResults(moduleOut.resolve("results.json"), module));
            csv.add(csvRow(student, module, report));
        }
        CourseReport.writeCourse(steps, out, allNotes(notes), scoring);
        Files.write(out.resolve("scores.csv"), csv, StandardCharsets.UTF_8);
        System.out.println(CourseReport.markdown(steps, scoring));
    }

    static GradedTest score(KeyTest keyTest, List<Case> ran, String note) {
        if (ran.isEmpty()) {
            String why = note.isEmpty() ? "the test run ended before this test (the step's time limit, or a crash of the test JVM)" : note;
            return new GradedTest(keyTest.name(), keyTest.points(), false, "did not run: " + why, keyTest.hidden(), keyTest.location(), 0,
                    null, keyTest.extension());
        }
        List<String> failures = new ArrayList<>();
        for (Case c : ran) {
            if (!c.passed()) {
                failures.add(ran.size() == 1 ? c.message() : c.name() + ": " + c.message());
            }
        }
        double seconds = ran.stream().mapToDouble(Case::seconds).sum();
        return new GradedTest(keyTest.name(), keyTest.points(), failures.isEmpty(), String.join("\n", failures),
                keyTest.hidden(), keyTest.location(), seconds, null, keyTest.extension());
    }

    /** The reference's report: every graded test's name, points, visibility and Class.method ({@code extra_data.test}). */
    static List<KeyTest> answerKey(Path moduleKey) throws IOException {
        JsonNode results = JSON.readTree(moduleKey.resolve("results.json").toFile()).get("tests");
        List<KeyTest> tests = new ArrayList<>();
        Map<String, String> seen = new LinkedHashMap<>();
        for (JsonNode test : results) {
            String location = test.path("extra_data").path("test").asString("");
            if (location.isEmpty()) {
                throw new IllegalStateException(moduleKey + ": the answer key names no Class.method; rebuild the reference");
            }
            if (seen.put(location, test.get("name").asString()) != null) {
                throw new IllegalStateException(moduleKey + ": two graded tests are both " + location
                        + "; give the test classes of a module different simple names");
            }
            // An extension's test is named "[files] ..." in the report; the key keeps the plain name and the extension.
            String extension = test.path("extra_data").path("extension").asString("");
            String name = test.get("name").asString();
            if (!extension.isEmpty() && name.startsWith("[" + extension + "] ")) {
                name = name.substring(extension.length() + 3);
            }
            tests.add(new KeyTest(name, test.get("max_score").asInt(),
                    test.get("visibility").asString().equals("after_published"), location, extension.isEmpty() ? null : extension));
        }
        return tests;
    }

    /** Surefire's test cases by {@code SimpleClass.method} (the key's location); a parameterized run's "(...)[n]" is dropped. */
    static Map<String, List<Case>> surefireCases(Path reports) throws Exception {
        Map<String, List<Case>> cases = new LinkedHashMap<>();
        if (!Files.isDirectory(reports)) {
            return cases;
        }
        List<Path> files;
        try (Stream<Path> list = Files.list(reports)) {
            files = list.filter(f -> f.getFileName().toString().matches("TEST-.*\\.xml")).sorted().toList();
        }
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        // A failure message or captured output can be megabytes of text full of &#10; and &apos;;
        // the JDK's default cap on entity expansion (100,000) then stops the whole grade. With no
        // DOCTYPE there are no user entities to expand, so the cap guards nothing here.
        factory.setAttribute("jdk.xml.totalEntitySizeLimit", "0");
        factory.setAttribute("jdk.xml.maxGeneralEntitySizeLimit", "0");
        for (Path file : files) {
            NodeList testcases = factory.newDocumentBuilder().parse(file.toFile()).getElementsByTagName("testcase");
            for (int i = 0; i < testcases.getLength(); i++) {
                Element testcase = (Element) testcases.item(i);
                String className = testcase.getAttribute("classname");
                String simple = className.substring(Math.max(className.lastIndexOf('.'), className.lastIndexOf('$')) + 1);
                String name = testcase.getAttribute("name");
                int paren = name.indexOf('(');
                String method = paren < 0 ? name : name.substring(0, paren);
                cases.computeIfAbsent(simple + "." + method, k -> new ArrayList<>())
                        .add(new Case(name, problem(testcase) == null, String.valueOf(problem(testcase)), seconds(testcase)));
            }
        }
        return cases;
    }

    /** Why a test case did not pass, as a student should read it; null when it passed. */
    private static String problem(Element testcase) {
        for (String tag : List.of("failure", "error", "skipped")) {
            NodeList found = testcase.getElementsByTagName(tag);
            if (found.getLength() == 0) {
                continue;
            }
            Element problem = (Element) found.item(0);
            String message = problem.getAttribute("message").strip();
            String type = problem.getAttribute("type");
            if (tag.equals("skipped")) {
                return "skipped: " + (message.isEmpty() ? "(no reason given)" : message);
            }
            if (type.endsWith("AssertionError") || type.endsWith("AssertionFailedError") || type.startsWith("org.opentest4j")) {
                return message.isEmpty() ? type : message;
            }
            if (type.endsWith("TimeoutException")) {
                return message + ": the test's time limit. Look for a loop that never ends or a read that never returns.";
            }
            // An exception: its type, message and where it was thrown (the first lines of the trace).
            List<String> trace = problem.getTextContent().strip().lines().limit(8).toList();
            return trace.isEmpty() ? type + ": " + message : String.join("\n", trace);
        }
        return null;
    }

    private static double seconds(Element testcase) {
        try {
            return Double.parseDouble(testcase.getAttribute("time").replace(",", ""));
        } catch (NumberFormatException unknown) {
            return 0;
        }
    }

    /** What the grading script found for a module (lines "module<TAB>text" of --notes), shown with its tests. */
    static String noteFor(Path notes, String module) throws IOException {
        if (notes == null || !Files.exists(notes)) {
            return "";
        }
        List<String> lines = new ArrayList<>();
        for (String line : Files.readAllLines(notes, StandardCharsets.UTF_8)) {
            int tab = line.indexOf('\t');
            if (tab > 0 && line.substring(0, tab).equals(module)) {
                lines.add(line.substring(tab + 1));
            }
        }
        return String.join("\n", lines);
    }

    /** Every note, for the top of the report: "module: text", or the text alone for the whole submission. */
    static String allNotes(Path notes) throws IOException {
        if (notes == null || !Files.exists(notes)) {
            return "";
        }
        List<String> lines = new ArrayList<>();
        for (String line : Files.readAllLines(notes, StandardCharsets.UTF_8)) {
            int tab = line.indexOf('\t');
            String module = tab < 0 ? "*" : line.substring(0, tab);
            String text = line.substring(tab + 1);
            lines.add(module.equals("*") ? text : module + ": " + text);
        }
        return String.join("\n", lines);
    }

    /** The header of scores.csv; the extension columns stay empty for a step without one. */
    static final String CSV_HEADER = "student,step,points,max,extensions,extension_points,extension_max";

    /**
     * One step of scores.csv: core points and maximum, then the step's extensions ("files"; several
     * joined with "+") and their points added up, which are never part of {@code points}.
     */
    static String csvRow(String student, String module, ScoreReport report) {
        List<ScoreReport.ExtensionTotal> extensions = report.extensionTotals();
        String names = extensions.stream().map(ScoreReport.ExtensionTotal::name).collect(java.util.stream.Collectors.joining("+"));
        String earned = extensions.isEmpty() ? "" : String.valueOf(extensions.stream().mapToInt(ScoreReport.ExtensionTotal::earned).sum());
        String possible = extensions.isEmpty() ? "" : String.valueOf(extensions.stream().mapToInt(ScoreReport.ExtensionTotal::possible).sum());
        return String.join(",", csvCell(student), csvCell(module), String.valueOf(report.earned()), String.valueOf(report.possible()),
                csvCell(names), earned, possible);
    }

    private static String csvCell(String text) {
        return text.matches("[A-Za-z0-9._@-]*") ? text : "\"" + text.replace("\"", "\"\"") + "\"";
    }
}
