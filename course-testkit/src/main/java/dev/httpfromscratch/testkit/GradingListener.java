package dev.httpfromscratch.testkit;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * Scores a module while its tests run: JUnit calls this listener for every test started, skipped
 * and finished, and at the end it writes the module's {@link ScoreReport} to
 * {@code target/grading/} (report.md, results.json, classroom.json), prints the Markdown table,
 * and appends it to {@code $GITHUB_STEP_SUMMARY} when GitHub Actions set that variable.
 *
 * <p>JUnit finds it through {@code META-INF/services/org.junit.platform.launcher.TestExecutionListener}
 * in this kit, so every module whose tests use the kit is scored without any set-up. A module
 * without {@link Points} tests (course-common) writes nothing.
 *
 * <p>Surefire starts the test JVM in the module's folder, so {@code user.dir} names the module;
 * {@code -Dgrading.dir=...} and {@code -Dgrading.module=...} override that.
 */
public final class GradingListener implements TestExecutionListener {
    private TestPlan plan;
    private final Map<String, Outcome> graded = new LinkedHashMap<>(); // unique id of a @Points method -> outcome
    private final Map<String, String> whyNotRun = new LinkedHashMap<>(); // skipped or failed containers
    private long planStarted;

    /** What is known about one graded test while the plan runs. */
    private static final class Outcome {
        final TestIdentifier test;
        final int points;
        final boolean hidden;
        final String extension;
        final String location;
        boolean finished;
        long started;
        long nanos;
        final List<String> failures = new ArrayList<>();

        Outcome(TestIdentifier test, int points, boolean hidden, String extension, String location) {
            this.test = test;
            this.points = points;
            this.hidden = hidden;
            this.extension = extension;
            this.location = location;
        }
    }

    @Override
    public void testPlanExecutionStarted(TestPlan testPlan) {
        plan = testPlan;
        planStarted = System.nanoTime();
        for (TestIdentifier root : testPlan.getRoots()) {
            for (TestIdentifier node : testPlan.getDescendants(root)) {
                methodSource(node).ifPresent(method -> {
                    Points points = pointsOf(method);
                    if (points != null) {
                        graded.put(node.getUniqueId(), new Outcome(node, points.value(), isHidden(method.getJavaClass()),
                                extensionOf(method.getJavaClass()), method.getJavaClass().getSimpleName() + "." + method.getMethodName()));
                    }
                });
            }
        }
    }

    @Override
    public void executionStarted(TestIdentifier identifier) {
        Outcome outcome = graded.get(identifier.getUniqueId());
        if (outcome != null) {
            outcome.started = System.nanoTime();
        }
    }

    @Override
    public void executionSkipped(TestIdentifier identifier, String reason) {
        Outcome outcome = gradedAncestorOrSelf(identifier);
        if (outcome != null) {
            outcome.failures.add("skipped: " + reason);
            outcome.finished = outcome.finished || outcome.test.equals(identifier);
        } else {
            whyNotRun.put(identifier.getUniqueId(), "skipped: " + reason);
        }
    }

    @Override
    public void executionFinished(TestIdentifier identifier, TestExecutionResult result) {
        Outcome outcome = gradedAncestorOrSelf(identifier);
        if (outcome == null) {
            // A class whose @BeforeAll failed ran none of its tests: keep the reason for them.
            if (result.getStatus() != TestExecutionResult.Status.SUCCESSFUL) {
                whyNotRun.put(identifier.getUniqueId(), describe(result));
            }
            return;
        }
        if (result.getStatus() != TestExecutionResult.Status.SUCCESSFUL) {
            String failure = describe(result);
            // A parameterized test names the run that failed; a plain test needs no prefix.
            outcome.failures.add(outcome.test.equals(identifier) ? failure : identifier.getDisplayName() + ": " + failure);
        }
        if (outcome.test.equals(identifier)) {
            outcome.finished = true;
            outcome.nanos = System.nanoTime() - outcome.started;
        }
    }

    @Override
    public void testPlanExecutionFinished(TestPlan testPlan) {
        if (graded.isEmpty()) {
            return; // not a graded module
        }
        List<GradedTest> tests = new ArrayList<>();
        for (Outcome outcome : graded.values()) {
            if (!outcome.finished && outcome.failures.isEmpty()) {
                outcome.failures.add("did not run: " + reasonNotRun(outcome.test));
            }
            boolean passed = outcome.finished && outcome.failures.isEmpty();
            tests.add(new GradedTest(displayPath(outcome.test), outcome.points, passed, String.join("\n", outcome.failures),
                    outcome.hidden, outcome.location, outcome.nanos / 1e9, stageOf(outcome.test), outcome.extension));
        }
        ScoreReport report = new ScoreReport(moduleName(), tests, (System.nanoTime() - planStarted) / 1e9, extensionScoring());
        writeReport(report);
    }

    /**
     * Writes and prints the step's report. The instructor's grader runs the tests in a sandbox that
     * cannot write the module's folder (and scores from Surefire's reports instead): there the report
     * is only printed, with the reason it was not written.
     */
    private static void writeReport(ScoreReport report) {
        String written = "(score report: " + gradingDirectory().resolve("report.md") + ")";
        try {
            report.writeTo(gradingDirectory());
            String jobSummary = System.getenv("GITHUB_STEP_SUMMARY");
            if (jobSummary != null && !jobSummary.isBlank()) {
                report.appendTo(Path.of(jobSummary));
            }
        } catch (IOException | RuntimeException cannotWrite) {
            written = "(score report not written to " + gradingDirectory() + ": " + cannotWrite + ")";
        }
        System.out.println();
        System.out.println(report.markdown());
        System.out.println(written);
    }

    private static Optional<MethodSource> methodSource(TestIdentifier node) {
        return node.getSource().filter(MethodSource.class::isInstance).map(MethodSource.class::cast);
    }

    /** The chapter stage a graded test checks (see {@link StageOrder}), or null. */
    private static Stage stageOf(TestIdentifier test) {
        try {
            return methodSource(test).map(method -> StageOrder.annotationOf(method.getJavaMethod())).orElse(null);
        } catch (RuntimeException notLoadable) {
            return null;
        }
    }

    /** @Points on the method, else on its class (every test of that class is then worth that much). */
    private static Points pointsOf(MethodSource method) {
        try {
            Points onMethod = method.getJavaMethod().getAnnotation(Points.class);
            return onMethod != null ? onMethod : method.getJavaClass().getAnnotation(Points.class);
        } catch (RuntimeException notLoadable) {
            return null; // a method JUnit cannot resolve is not ours to score
        }
    }

    /** A @Nested class is hidden when any class around it is. */
    private static boolean isHidden(Class<?> testClass) {
        for (Class<?> c = testClass; c != null; c = c.getEnclosingClass()) {
            if (c.isAnnotationPresent(Hidden.class)) {
                return true;
            }
        }
        return false;
    }

    /** The {@link Extension} of a test class or of a class around it (a @Nested class); null for the core course. */
    private static String extensionOf(Class<?> testClass) {
        for (Class<?> c = testClass; c != null; c = c.getEnclosingClass()) {
            Extension extension = c.getAnnotation(Extension.class);
            if (extension != null) {
                return extension.value();
            }
        }
        return null;
    }

    private Outcome gradedAncestorOrSelf(TestIdentifier identifier) {
        for (Optional<TestIdentifier> node = Optional.of(identifier); node.isPresent(); node = plan.getParent(node.get())) {
            Outcome outcome = graded.get(node.get().getUniqueId());
            if (outcome != null) {
                return outcome;
            }
        }
        return null;
    }

    private String reasonNotRun(TestIdentifier test) {
        for (Optional<TestIdentifier> node = plan.getParent(test); node.isPresent(); node = plan.getParent(node.get())) {
            String reason = whyNotRun.get(node.get().getUniqueId());
            if (reason != null) {
                return reason;
            }
        }
        return "the test run ended before this test (did the JVM crash or time out?)";
    }

    private String displayPath(TestIdentifier test) {
        return TestFailures.displayPath(plan, test);
    }

    private static String describe(TestExecutionResult result) {
        return TestFailures.describe(result);
    }

    /** A misspelt switch is said here and fails the course report (CourseReport), which reads it too. */
    private static ExtensionScoring extensionScoring() {
        try {
            return ExtensionScoring.fromSystemProperty();
        } catch (IllegalArgumentException misspelt) {
            System.err.println(misspelt.getMessage() + "; this step's report keeps extensions apart");
            return ExtensionScoring.APART;
        }
    }

    private static String moduleName() {
        String configured = System.getProperty("grading.module");
        return configured != null ? configured : Path.of(System.getProperty("user.dir")).getFileName().toString();
    }

    private static Path gradingDirectory() {
        String configured = System.getProperty("grading.dir");
        return configured != null ? Path.of(configured) : Path.of(System.getProperty("user.dir"), "target", "grading");
    }
}
