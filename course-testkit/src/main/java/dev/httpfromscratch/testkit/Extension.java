package dev.httpfromscratch.testkit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a test class as part of an optional extension checkpoint (for example {@code "files"},
 * docs/08-files.md). Its {@link Points} count in the score report's "extensions" line, apart from
 * the core course's total, so an instructor can grade the extension or leave it out without
 * changing any other score (docs/instructors.md, "Extensions").
 *
 * <p>It goes on the class, like {@link Hidden}: an extension's tests live in files of their own.
 *
 * <pre>{@code
 * @Extension("files")
 * @DisplayName("Extension: serving files")
 * class FileRoutesTest { @Test @Points(2) ... }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface Extension {
    /** The extension's name, as reports print it: {@code extensions: files 12 / 40}. */
    String value();
}
