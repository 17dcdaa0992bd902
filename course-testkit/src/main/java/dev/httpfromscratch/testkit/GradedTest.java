package dev.httpfromscratch.testkit;

/**
 * The outcome of one graded test, the unit every score report counts: a test method carrying
 * {@link Points} (a parameterized or repeated test counts once, and only if every run of it passed).
 *
 * @param name     what the report shows: the display names from the test class down to the method
 * @param points   what the test is worth
 * @param passed   whether it earned its points
 * @param message  why it failed (the assertion message a student acts on); empty when it passed
 * @param hidden   whether the class is {@link Hidden}
 * @param location {@code ClassName.method} for instructors who want to find the test
 * @param seconds  how long it ran
 * @param stage    the chapter stage it checks ({@link Stage}), or null when it has none
 * @param extension the {@link Extension} checkpoint it belongs to ({@code "files"}), or null for the core course
 */
public record GradedTest(String name, int points, boolean passed, String message, boolean hidden,
                         String location, double seconds, Stage stage, String extension) {

    /** A core-course test. */
    public GradedTest(String name, int points, boolean passed, String message, boolean hidden,
                      String location, double seconds, Stage stage) {
        this(name, points, passed, message, hidden, location, seconds, stage, null);
    }

    /** A test without a stage. */
    public GradedTest(String name, int points, boolean passed, String message, boolean hidden, String location, double seconds) {
        this(name, points, passed, message, hidden, location, seconds, null);
    }

    public int earned() {
        return passed ? points : 0;
    }

    public boolean isExtension() {
        return extension != null;
    }

    /** The name reports show: an extension's tests start with "[files] ", so a reader never mistakes them for core. */
    public String shownName() {
        return isExtension() ? "[" + extension + "] " + name : name;
    }
}
