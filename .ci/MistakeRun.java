import dev.httpfromscratch.testkit.TestFailures;
import java.lang.reflect.AnnotatedElement;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.platform.engine.CancellationToken;
import org.junit.platform.engine.FilterResult;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.PostDiscoveryFilter;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherExecutionRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * One mistake patch, judged (run by .ci/check-mistakes, one JVM per patch): compiles the patched
 * main sources of a step into a directory that is already first on this JVM's class path, runs
 * that step's graded tests (the ones with @Points) in stage order, and stops at the first failure.
 *
 * <p>The mistake is caught when a graded test fails (the step loses points) and that first failure's
 * message, as a student reads it in the score report, contains every "Expect:" line of the patch.
 *
 * <p>Arguments: the patched {@code src/main/java} folder, the classes folder to compile into,
 * the module's test-classes folder, a file with one expected fragment per line, and the file the
 * one-line verdict is written to ("CAUGHT|...", "MISSED|...", "BROKEN|...").
 */
public final class MistakeRun {
    public static void main(String[] args) throws Exception {
        Path sources = Path.of(args[0]);
        Path classes = Path.of(args[1]);
        Path testClasses = Path.of(args[2]);
        List<String> expected = Files.readAllLines(Path.of(args[3]), StandardCharsets.UTF_8).stream()
                .filter(line -> !line.isBlank()).toList();
        Path verdict = Path.of(args[4]);

        long started = System.nanoTime();
        String compileErrors = compile(sources, classes);
        System.out.printf("compiled the patched module in %.1f s%n", (System.nanoTime() - started) / 1e9);
        started = System.nanoTime();
        if (compileErrors != null) {
            write(verdict, "BROKEN|the patched module does not compile: " + compileErrors);
            return;
        }
        FirstFailure first = new FirstFailure();
        LauncherDiscoveryRequest discovery = LauncherDiscoveryRequestBuilder.request()
                .selectors(DiscoverySelectors.selectClasspathRoots(java.util.Set.of(testClasses)))
                .filters(onlyGradedTests())
                .build();
        LauncherFactory.create().execute(LauncherExecutionRequestBuilder.request(discovery)
                .listeners(first).cancellationToken(first.cancel).build());

        System.out.printf("ran the graded tests in %.1f s%n", (System.nanoTime() - started) / 1e9);
        if (first.message == null) {
            write(verdict, "MISSED|every graded test passed: the step loses no points");
            return;
        }
        String lower = first.message.toLowerCase(Locale.ROOT);
        List<String> absent = expected.stream().filter(fragment -> !lower.contains(fragment.toLowerCase(Locale.ROOT))).toList();
        String summary = first.test + " — " + oneLine(first.message);
        write(verdict, (absent.isEmpty() ? "CAUGHT|" : "MISSED|the first failure does not mention " + absent + ": ") + summary);
        // The whole message, for the log of a patch someone needs to look at.
        System.out.println("first failure: " + first.test + "\n" + first.message);
        // A wrong server may leave threads that never end (an accept loop that ignores close()).
        System.exit(0);
    }

    /** javac in this JVM, against this JVM's class path; null when it compiled. */
    private static String compile(Path sources, Path classes) throws Exception {
        List<String> files;
        try (Stream<Path> walk = Files.walk(sources)) {
            files = walk.filter(path -> path.toString().endsWith(".java")).map(Path::toString).toList();
        }
        List<String> arguments = new ArrayList<>(List.of("--release", "21", "-proc:none", "-nowarn", "-encoding", "UTF-8",
                "-d", classes.toString(), "-cp", System.getProperty("java.class.path")));
        arguments.addAll(files);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        // javac prints its errors to stderr, which .ci/check-mistakes keeps in the patch's log.
        return javac.run(null, null, null, arguments.toArray(String[]::new)) == 0 ? null : "javac's errors are in the log";
    }

    /** Keeps test methods that carry @Points (on the method or its class); containers stay. */
    private static PostDiscoveryFilter onlyGradedTests() {
        return descriptor -> {
            Optional<MethodSource> method = descriptor.getSource().filter(MethodSource.class::isInstance).map(MethodSource.class::cast);
            if (method.isEmpty()) {
                return FilterResult.included("container");
            }
            boolean graded = hasPoints(method.get().getJavaMethod()) || hasPoints(method.get().getJavaClass());
            return graded ? FilterResult.included("graded") : FilterResult.excluded("not graded");
        };
    }

    private static boolean hasPoints(AnnotatedElement element) {
        for (var annotation : element.getAnnotations()) {
            if (annotation.annotationType().getName().equals("dev.httpfromscratch.testkit.Points")) {
                return true;
            }
        }
        return false;
    }

    /** Remembers the first test or container that did not succeed, and cancels everything after it. */
    private static final class FirstFailure implements TestExecutionListener {
        final CancellationToken cancel = CancellationToken.create();
        private TestPlan plan;
        String test;
        String message;

        @Override
        public void testPlanExecutionStarted(TestPlan testPlan) {
            plan = testPlan;
        }

        @Override
        public void executionFinished(TestIdentifier identifier, TestExecutionResult result) {
            if (message != null || result.getStatus() == TestExecutionResult.Status.SUCCESSFUL) {
                return;
            }
            test = displayPath(identifier);
            message = describe(result);
            cancel.cancel();
        }

        private String displayPath(TestIdentifier test) {
            return TestFailures.displayPath(plan, test);
        }
    }

    /** What the score report shows a student: an assertion's message, or the exception and where it was thrown. */
    private static String describe(TestExecutionResult result) {
        return TestFailures.describe(result);
    }

    private static String oneLine(String message) {
        String first = message.lines().filter(line -> !line.isBlank()).findFirst().orElse("").strip();
        return first.length() > 160 ? first.substring(0, 157) + "..." : first;
    }

    private static void write(Path verdict, String line) throws Exception {
        Files.writeString(verdict, line + "\n", StandardCharsets.UTF_8);
    }
}
