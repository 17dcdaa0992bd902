package dev.httpfromscratch.grading;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Turns one reference source file into its student version (DEVELOPERS.md, "Solution markers"):
 * every region between {@code // BEGIN SOLUTION} and {@code // END SOLUTION} becomes its
 * {@code // STUB:} line(s), indented like the region. A marker is a whole line (only spaces
 * before it), so the words inside a string or a longer comment are left alone.
 *
 * <p>Files the starter leaves out altogether: {@code // SOLUTION FILE} (a file the student writes
 * from nothing) and test classes annotated {@code @Hidden} (kept by the instructor).
 */
public final class SolutionMarkers {
    static final String BEGIN = "// BEGIN SOLUTION";
    static final String END = "// END SOLUTION";
    static final String STUB = "// STUB:";
    static final String SOLUTION_FILE = "// SOLUTION FILE";
    static final String HIDDEN_FILE = "// HIDDEN FILE";
    static final String DEFAULT_STUB = "throw new UnsupportedOperationException(\"not written yet\");";

    /**
     * {@code @Hidden} or {@code @dev.httpfromscratch.testkit.Hidden} wherever it stands on a line of code
     * ({@code @Hidden @DisplayName(...) class ...} too), but not inside a // comment before it.
     */
    private static final Pattern HIDDEN_ANNOTATION =
            Pattern.compile("(?m)^(?:(?!//).)*?@\\s*(dev\\.httpfromscratch\\.testkit\\.)?Hidden\\b");

    /** A marker used wrongly; the message names the file and line. */
    public static final class MarkerException extends RuntimeException {
        MarkerException(String file, int line, String problem) {
            super(file + ":" + line + ": " + problem);
        }
    }

    /** The student version of {@code source} and how many regions were replaced. */
    public record Stubbed(String text, int regions) {}

    private SolutionMarkers() {}

    public static boolean isSolutionFile(String source) {
        return source.lines().anyMatch(line -> line.strip().equals(SOLUTION_FILE));
    }

    /**
     * Whether a test file is kept from students. {@code @Hidden} on the class is the one mark;
     * the older {@code // HIDDEN FILE} comment alone is refused, because a file marked only that
     * way would be left out of the starter yet shown to Gradescope students as visible.
     */
    public static boolean isHiddenTest(String source, String file) {
        boolean annotated = HIDDEN_ANNOTATION.matcher(source).find();
        if (!annotated && source.lines().anyMatch(line -> line.strip().equals(HIDDEN_FILE))) {
            throw new MarkerException(file, 1, "'" + HIDDEN_FILE + "' is not enough: annotate the test class with "
                    + "@dev.httpfromscratch.testkit.Hidden (docs/instructors.md, 'Hidden tests')");
        }
        return annotated;
    }

    /** The step a stub belongs to: its message starts with "Step N:". */
    private static final Pattern STUB_STEP = Pattern.compile("\"Step (\\d+):");

    public static Stubbed stub(String source, String file) {
        return stub(source, file, 1);
    }

    /**
     * The student version, with every region whose stub names a step before {@code solvedBefore}
     * ("Step 1: ..." when solvedBefore is 2 or more) kept as reference code: a catch-up starter
     * ships those answers, wherever they stand (a later module's copy of step 1's loop, say).
     */
    public static Stubbed stub(String source, String file, int solvedBefore) {
        return stub(source, file, stubText -> {
            java.util.regex.Matcher step = STUB_STEP.matcher(stubText);
            return step.find() && Integer.parseInt(step.group(1)) < solvedBefore;
        });
    }

    /**
     * The version of a solved module's file: every region stays reference code except an extension's
     * (its stub starts with {@code "Files:} for the extension {@code files}), which a catch-up starter
     * never ships solved: the extension is written on top of the solved core. A file without such a
     * region is returned unchanged, markers and all.
     */
    public static Stubbed stubExtensions(String source, String file, java.util.Set<String> extensions) {
        java.util.function.Predicate<String> solved = stubText -> extensions.stream()
                .noneMatch(name -> stubText.toLowerCase(java.util.Locale.ROOT).contains("\"" + name.toLowerCase(java.util.Locale.ROOT) + ":"));
        Stubbed stubbed = stub(source, file, solved);
        return stubbed.regions() == 0 ? new Stubbed(source, 0) : stubbed;
    }

    /** The student version: every region whose joined stub lines {@code solved} accepts stays reference code. */
    static Stubbed stub(String source, String file, java.util.function.Predicate<String> solved) {
        String[] lines = source.split("\n", -1);
        List<String> out = new ArrayList<>(lines.length);
        List<String> stubs = new ArrayList<>();
        List<String> reference = new ArrayList<>();
        int regions = 0;
        int regionStart = 0; // 1-based line of the open BEGIN, 0 outside a region
        String indent = "";
        boolean inStubLines = false;
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            String marker = line.strip();
            int lineNumber = i + 1;
            if (marker.equals(BEGIN)) {
                if (regionStart != 0) {
                    throw new MarkerException(file, lineNumber, "BEGIN SOLUTION inside the region opened on line " + regionStart);
                }
                regionStart = lineNumber;
                indent = line.substring(0, line.indexOf('/'));
                stubs.clear();
                reference.clear();
                inStubLines = true;
            } else if (marker.equals(END)) {
                if (regionStart == 0) {
                    throw new MarkerException(file, lineNumber, "END SOLUTION without a BEGIN SOLUTION");
                }
                if (stubs.isEmpty()) {
                    stubs.add(DEFAULT_STUB);
                }
                if (solved.test(String.join(" ", stubs))) {
                    out.addAll(reference); // an earlier step's answer, shipped solved
                } else {
                    for (String stub : stubs) {
                        if (!stub.isEmpty()) { // "// STUB:" with nothing after it removes the region
                            out.add(indent + stub);
                        }
                    }
                    regions++;
                }
                regionStart = 0;
            } else if (regionStart != 0) {
                if (marker.startsWith(STUB)) {
                    if (!inStubLines) {
                        throw new MarkerException(file, lineNumber, "a STUB line must come right after BEGIN SOLUTION");
                    }
                    stubs.add(marker.substring(STUB.length()).strip());
                } else {
                    inStubLines = false; // the reference code of the region: left out, unless solved
                    reference.add(line);
                }
            } else {
                out.add(line);
            }
        }
        if (regionStart != 0) {
            throw new MarkerException(file, regionStart, "BEGIN SOLUTION is never closed by END SOLUTION");
        }
        return new Stubbed(String.join("\n", out), regions);
    }
}
