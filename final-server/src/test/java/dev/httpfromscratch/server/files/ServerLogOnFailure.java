package dev.httpfromscratch.server.files;

import dev.httpfromscratch.testkit.Console;
import java.util.List;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

/**
 * A failed file test says what the server logged: a 500 or a connection closed mid-body tells a
 * student little, while the server's line ("handler failed ... UnsupportedOperationException:
 * Files: ... 'Code: byte ranges'") names the code to write or the exception to look at.
 */
final class ServerLogOnFailure implements TestExecutionExceptionHandler {
    /** The console of the server the running test started last ({@link FileServers#start}); tests of a module run one at a time. */
    static volatile Console lastConsole;

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
        Console console = lastConsole;
        if (!(failure instanceof AssertionError) || console == null) {
            throw failure;
        }
        List<String> logged = errorLines(console);
        for (int wait = 0; logged.isEmpty() && wait < 10; wait++) {
            Thread.sleep(50); // the server logs through a queue: its line may trail the response by a moment
            logged = errorLines(console);
        }
        if (logged.isEmpty()) {
            throw failure;
        }
        AssertionError explained = new AssertionError(failure.getMessage() + "\nThe server logged:\n    "
                + String.join("\n    ", logged.subList(0, Math.min(5, logged.size()))));
        explained.setStackTrace(failure.getStackTrace());
        throw explained;
    }

    private static List<String> errorLines(Console console) {
        return console.lines().stream().filter(line -> line.contains("handler failed") || line.contains("unexpected error")).toList();
    }
}
