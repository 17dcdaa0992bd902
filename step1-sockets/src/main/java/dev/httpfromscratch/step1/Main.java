package dev.httpfromscratch.step1;

import dev.httpfromscratch.common.CommandLine;
import dev.httpfromscratch.common.ServerMain;
import dev.httpfromscratch.common.UsageException;
import java.io.PrintStream;

/** Runs the step-1 server: {@code java -jar step1-sockets/target/step1-sockets.jar --port 8000}. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        ServerMain.main(args, commandLine(), Main::create);
    }

    static CommandLine commandLine() {
        return new CommandLine("step1-sockets",
                "Step 1: listens on a TCP port and prints 'client connected' for every client it accepts.")
                .portFlag()
                .flag("backlog", "N", "connections the kernel may queue before accept() takes them", "10");
    }

    static AcceptLoop create(CommandLine.Options options, PrintStream console) throws UsageException {
        return new AcceptLoop(options.port(), options.integer("backlog", 1, 65_535), console);
    }
}
