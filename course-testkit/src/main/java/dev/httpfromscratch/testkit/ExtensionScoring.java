package dev.httpfromscratch.testkit;

import java.util.Locale;

/**
 * Whether an extension checkpoint's points ({@link Extension}) count in a score: the instructor's
 * switch {@code grading.extensions} (docs/instructors.md, "Extensions").
 * <ul>
 *   <li>{@link #APART} (the default): every report shows the extension's tests and its own
 *       "extensions: files x / y" total, but the score and its maximum (Gradescope's
 *       {@code score}, Classroom's {@code max_score}, the course total) are the core course's, so a
 *       student who skips the extension loses nothing;</li>
 *   <li>{@link #INCLUDE}: the extension's points are added to the score and to its maximum.</li>
 * </ul>
 */
public enum ExtensionScoring {
    APART, INCLUDE;

    /** The system property (and Maven property) that holds the choice. */
    public static final String PROPERTY = "grading.extensions";

    /** {@code apart} or {@code include}; blank means the default. */
    public static ExtensionScoring parse(String value) {
        if (value == null || value.isBlank()) {
            return APART;
        }
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "apart" -> APART;
            case "include" -> INCLUDE;
            default -> throw new IllegalArgumentException(PROPERTY + " is '" + value
                    + "': say apart (extensions reported, not counted; the default) or include (counted in the score)");
        };
    }

    /** The choice made for this JVM ({@code -Dgrading.extensions=...}). */
    public static ExtensionScoring fromSystemProperty() {
        return parse(System.getProperty(PROPERTY));
    }

    public boolean counts() {
        return this == INCLUDE;
    }
}
