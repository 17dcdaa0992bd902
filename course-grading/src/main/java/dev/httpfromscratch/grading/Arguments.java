package dev.httpfromscratch.grading;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** {@code --name value} pairs of the grading programs (the pom passes them; nobody types them). */
record Arguments(Map<String, String> values) {

    static Arguments parse(String[] args) {
        Map<String, String> values = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            values.put(args[i], args[i + 1]);
        }
        return new Arguments(values);
    }

    String text(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    /**
     * A path typed by whoever ran Maven: relative to the folder the command ran in ({@code --cwd},
     * the shell's PWD), not to the module's folder where Maven starts this program.
     */
    Path pathFromCwd(String name) {
        String value = values.get(name);
        if (value == null) {
            throw new IllegalArgumentException("missing " + name);
        }
        String cwd = values.getOrDefault("--cwd", "");
        Path given = Path.of(value);
        if (given.isAbsolute() || cwd.isBlank() || cwd.startsWith("${")) {
            return given.toAbsolutePath().normalize();
        }
        return Path.of(cwd).resolve(given).toAbsolutePath().normalize();
    }

    Path path(String name) {
        String value = values.get(name);
        if (value == null) {
            throw new IllegalArgumentException("missing " + name);
        }
        return Path.of(value).toAbsolutePath().normalize();
    }
}
