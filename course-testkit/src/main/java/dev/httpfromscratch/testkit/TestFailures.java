package dev.httpfromscratch.testkit;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * How a graded test and its failure read in a score report: the display names from the class
 * down to the test, and the assertion's message (or the exception and where it was thrown). The
 * grading listener and the mistakes check (.ci/check-mistakes) both show failures this way.
 */
public final class TestFailures {
    private TestFailures() {}

    /** "Step 1: the accept loop › prints ..." : the display names below the engine. */
    public static String displayPath(TestPlan plan, TestIdentifier test) {
        List<String> names = new ArrayList<>();
        for (Optional<TestIdentifier> node = Optional.of(test); node.isPresent(); node = plan.getParent(node.get())) {
            if (node.get().getParentId().isPresent()) { // the root is the engine ("JUnit Jupiter")
                names.addFirst(node.get().getDisplayName());
            }
        }
        return String.join(" › ", names);
    }

    /** The failure as a student should read it: the assertion's message, or the exception and its first frames. */
    public static String describe(TestExecutionResult result) {
        Throwable failure = result.getThrowable().orElse(null);
        if (failure == null) {
            return result.getStatus().toString();
        }
        if (failure instanceof AssertionError) {
            return String.valueOf(failure.getMessage()).strip();
        }
        StringWriter trace = new StringWriter();
        failure.printStackTrace(new PrintWriter(trace));
        List<String> lines = trace.toString().lines().limit(8).toList(); // where it was thrown is what helps
        return String.join("\n", lines);
    }
}
