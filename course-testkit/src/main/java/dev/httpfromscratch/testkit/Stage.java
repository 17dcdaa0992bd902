package dev.httpfromscratch.testkit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Which stage of its chapter a graded test checks. A chapter builds a step's code in stages
 * (stage 1, 2, ...); the graded tests run in that order, and a step's score report names the first
 * stage with a failing test, its title and the chapter section that builds it, so a student knows
 * what to do next.
 *
 * <pre>{@code
 * @Stage(value = 2, title = "keep reading until the blank line", section = "docs/02-io.md#stage-2-keep-reading-until-the-blank-line")
 * class RequestReadingTest { ... }
 * }</pre>
 *
 * <p>On a class it applies to every test in it; on a method it overrides the class.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface Stage {
    /** 1, 2, ... in the order the chapter builds the code. */
    int value();

    /** What the stage builds, as the chapter names it. */
    String title();

    /** The chapter file and the anchor of the section that builds it, e.g. {@code docs/02-io.md#...}. */
    String section();
}
