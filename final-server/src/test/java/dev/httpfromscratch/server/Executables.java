package dev.httpfromscratch.server;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

/** Finds a real tool a test drives (prometheus, promtool, nginx) on the PATH or where Debian installs it. */
public final class Executables {
    private Executables() {}

    /** The executable called {@code name}, or null when it is not installed (the test then skips). */
    public static Path find(String name) {
        String path = System.getenv().getOrDefault("PATH", "") + File.pathSeparator + "/usr/bin" + File.pathSeparator + "/usr/sbin";
        for (String directory : path.split(File.pathSeparator)) {
            Path candidate = Path.of(directory.isEmpty() ? "." : directory, name);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }
}
