package dev.httpfromscratch.testkit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a test class an instructor keeps from students: the starter generator leaves its whole
 * file out of the student repository, and the instructor's grading run (which has the file)
 * scores it like any other, with Gradescope visibility {@code after_published} so a student sees
 * the result only once grades are published (docs/instructors.md, "Hidden tests").
 *
 * <p>It goes on the class, never on a method: the generator removes whole files, and a test file
 * holding hidden and visible tests at once could not be split without parsing Java.
 *
 * <pre>{@code
 * @Hidden
 * @DisplayName("Step 1: what the grader keeps to itself")
 * class AcceptLoopHiddenTest { @Test @Points(1) ... }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface Hidden {
}
