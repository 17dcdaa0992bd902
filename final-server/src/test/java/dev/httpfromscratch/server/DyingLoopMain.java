package dev.httpfromscratch.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * The final server's Main with a failure injected for FailFastTest: when a line arrives on
 * standard input, event loop 1 throws an Error at its next turn, as a loop does when the heap
 * runs out. The hook ({@link EventLoop#turnHook}) is package-private: a user of the real server
 * has no way to set it.
 */
final class DyingLoopMain {
    private static volatile boolean die;

    private DyingLoopMain() {}

    public static void main(String[] args) {
        EventLoop.turnHook = loop -> {
            if (loop == 1 && die) {
                throw new InternalError("failure injected by FailFastTest");
            }
        };
        Thread trigger = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
                if (in.readLine() != null) {
                    die = true;
                }
            } catch (IOException ignored) {
                // no trigger: the loop lives
            }
        }, "failure-trigger");
        trigger.setDaemon(true);
        trigger.start();
        Main.main(args);
    }
}
