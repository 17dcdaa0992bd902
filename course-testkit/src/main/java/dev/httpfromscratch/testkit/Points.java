package dev.httpfromscratch.testkit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a graded test and says what it is worth. A test earns its points only when it passes;
 * the score report (see docs/instructors.md) adds them up per step.
 *
 * <pre>{@code
 * @Test
 * @Points(2)
 * @DisplayName("prints 'client connected' for every accepted connection")
 * void printsForEveryConnection() { ... }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface Points {
    int value();
}
