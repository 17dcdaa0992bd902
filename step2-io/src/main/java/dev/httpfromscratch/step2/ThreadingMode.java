package dev.httpfromscratch.step2;

/**
 * Which thread reads and writes a connection once {@code accept()} has returned it
 * (docs/02-io.md, "Single thread vs thread per connection").
 *
 * <p>With blocking I/O a thread that calls {@code read()} sleeps in the kernel until that one
 * client sends something. Who else is served meanwhile depends only on how many threads there are.
 */
public enum ThreadingMode {
    /** The accept thread serves each client itself: one silent client stops everyone. */
    SINGLE("single"),
    /** A new platform (kernel) thread per connection: a slow client blocks only its own thread. */
    PER_CONNECTION("per-connection"),
    /** A new virtual thread per connection: the same code, parked by the JDK instead of the kernel (step 4). */
    VIRTUAL("virtual");

    private final String flagValue;

    ThreadingMode(String flagValue) {
        this.flagValue = flagValue;
    }

    /** How this mode is spelled after {@code --threads}. */
    public String flagValue() {
        return flagValue;
    }

    public static String[] flagValues() {
        ThreadingMode[] modes = values();
        String[] names = new String[modes.length];
        for (int i = 0; i < modes.length; i++) {
            names[i] = modes[i].flagValue;
        }
        return names;
    }

    public static ThreadingMode fromFlag(String value) {
        for (ThreadingMode mode : values()) {
            if (mode.flagValue.equals(value)) {
                return mode;
            }
        }
        throw new IllegalArgumentException("no threading mode '" + value + "'");
    }
}
