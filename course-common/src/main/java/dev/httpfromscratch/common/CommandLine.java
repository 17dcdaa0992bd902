package dev.httpfromscratch.common;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The flags a server understands ({@code --port 8000}, {@code --port=8000}), their defaults,
 * the environment variables that may set them, and the {@code --help} text made from them.
 *
 * <p>Precedence: a flag on the command line, then its environment variable, then its default.
 * Every server of the course declares its flags here, so {@code --help} always tells the truth.
 */
public final class CommandLine {

    private record Flag(String name, String valueName, String description, String defaultValue,
                        String environmentVariable) {}

    private final String program;
    private final String summary;
    private final Map<String, Flag> flags = new LinkedHashMap<>();
    private final Function<String, String> environment;

    public CommandLine(String program, String summary) {
        this(program, summary, System::getenv);
    }

    /** For tests: {@code environment} stands in for {@link System#getenv(String)}. */
    public CommandLine(String program, String summary, Function<String, String> environment) {
        this.program = program;
        this.summary = summary;
        this.environment = environment;
    }

    /** Declares {@code --name VALUE} with a default value. */
    public CommandLine flag(String name, String valueName, String description, String defaultValue) {
        return flag(name, valueName, description, defaultValue, null);
    }

    /** Declares {@code --name VALUE} that an environment variable may also set. */
    public CommandLine flag(String name, String valueName, String description, String defaultValue,
                            String environmentVariable) {
        flags.put(name, new Flag(name, valueName, description, defaultValue, environmentVariable));
        return this;
    }

    /** The standard {@code --port} flag: 8000 by default, 0 lets the kernel pick a free port. */
    public CommandLine portFlag() {
        return flag("port", "N", "TCP port to listen on (0 = any free port, printed at start)", "8000", "PORT");
    }

    public String program() {
        return program;
    }

    public String help() {
        StringBuilder text = new StringBuilder();
        text.append("Usage: ").append(program).append(" [options]\n\n").append(summary).append("\n\nOptions:\n");
        List<String[]> rows = new ArrayList<>();
        for (Flag flag : flags.values()) {
            String left = "  --" + flag.name() + " " + flag.valueName();
            String right = flag.description() + " (default: " + flag.defaultValue()
                    + (flag.environmentVariable() == null ? "" : "; env " + flag.environmentVariable()) + ")";
            rows.add(new String[] {left, right});
        }
        rows.add(new String[] {"  --help", "print this text and exit"});
        int width = rows.stream().mapToInt(row -> row[0].length()).max().orElse(0) + 2;
        for (String[] row : rows) {
            text.append(row[0]).append(" ".repeat(width - row[0].length())).append(row[1]).append('\n');
        }
        return text.toString();
    }

    /** Reads {@code args}; throws a {@link UsageException} naming the first thing wrong. */
    public Options parse(String[] args) throws UsageException {
        Map<String, String> given = new HashMap<>();
        boolean help = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--help") || arg.equals("-h")) {
                help = true;
                continue;
            }
            if (!arg.startsWith("--")) {
                throw new UsageException("unexpected argument '" + arg + "' (try --help)");
            }
            String name = arg.substring(2);
            String value = null;
            int equals = name.indexOf('=');
            if (equals >= 0) {
                value = name.substring(equals + 1);
                name = name.substring(0, equals);
            }
            if (!flags.containsKey(name)) {
                throw new UsageException("unknown option --" + name + " (try --help)");
            }
            if (value == null) {
                if (i + 1 >= args.length) {
                    throw new UsageException("option --" + name + " needs a value: --" + name + " "
                            + flags.get(name).valueName());
                }
                value = args[++i];
            }
            given.put(name, value);
        }
        Map<String, String> values = new HashMap<>();
        for (Flag flag : flags.values()) {
            String value = given.get(flag.name());
            if (value == null && flag.environmentVariable() != null) {
                value = environment.apply(flag.environmentVariable());
            }
            values.put(flag.name(), value == null ? flag.defaultValue() : value);
        }
        return new Options(help, values);
    }

    /** The values of one parsed command line. */
    public static final class Options {
        private final boolean helpRequested;
        private final Map<String, String> values;

        private Options(boolean helpRequested, Map<String, String> values) {
            this.helpRequested = helpRequested;
            this.values = values;
        }

        public boolean helpRequested() {
            return helpRequested;
        }

        public String string(String name) {
            String value = values.get(name);
            if (value == null && !values.containsKey(name)) {
                throw new IllegalArgumentException("no flag --" + name + " was declared");
            }
            return value;
        }

        /** An integer flag within {@code [min, max]}; anything else is a usage error. */
        public int integer(String name, int min, int max) throws UsageException {
            return Math.toIntExact(number(name, min, max));
        }

        /** A long flag within {@code [min, max]}; anything else is a usage error. */
        public long number(String name, long min, long max) throws UsageException {
            String text = string(name);
            long value;
            try {
                value = Long.parseLong(text);
            } catch (NumberFormatException notANumber) {
                throw new UsageException("--" + name + " must be a number, not '" + text + "'");
            }
            if (value < min || value > max) {
                throw new UsageException("--" + name + " must be between " + min + " and " + max + ", not " + value);
            }
            return value;
        }

        public int port() throws UsageException {
            return integer("port", 0, 65_535);
        }

        /** A flag that must be one of {@code choices}. */
        public String choice(String name, String... choices) throws UsageException {
            String value = string(name);
            for (String choice : choices) {
                if (choice.equals(value)) {
                    return value;
                }
            }
            throw new UsageException("--" + name + " must be one of " + String.join(", ", choices) + ", not '" + value + "'");
        }
    }
}
