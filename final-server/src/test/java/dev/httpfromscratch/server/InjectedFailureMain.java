package dev.httpfromscratch.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * The final server's Main with a failure injected for FailFastTest: when the line "loop" arrives
 * on standard input, event loop 1 throws an Error at its next turn, as a loop does when the heap
 * runs out; when "acceptor" arrives, accepting (on event loop 0) throws one after its next accept(). The
 * hooks ({@link EventLoop#turnHook}, {@link Acceptor#acceptHook}) are package-private: a user of
 * the real server has no way to set them.
 */
final class InjectedFailureMain {
    private static volatile String die = "";

    private InjectedFailureMain() {}

    public static void main(String[] args) {
        EventLoop.turnHook = loop -> {
            if (loop == 1 && die.equals("loop")) {
                throw new InternalError("failure injected by FailFastTest");
            }
        };
        Acceptor.acceptHook = () -> {
            if (die.equals("acceptor")) {
                throw new InternalError("failure injected by FailFastTest");
            }
        };
        Thread trigger = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
                String line = in.readLine();
                if (line != null) {
                    die = line.strip();
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
