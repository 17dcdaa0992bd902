package dev.httpfromscratch.step3;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.lang.reflect.Method;
import java.time.Duration;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.InvocationInterceptor;
import org.junit.jupiter.api.extension.ReflectiveInvocationContext;
import org.opentest4j.AssertionFailedError;

/**
 * A parser stuck in an endless loop (an index that stops moving in {@code parseRequestLine}, a
 * {@code nextLine} that never returns) must fail the step within seconds, not hang it.
 *
 * <p>Every test of a class that registers this extension runs on a watchdog thread for at most
 * {@link #LIMIT}. The first test that overruns is reported with the hint below, and every later
 * test of the step fails at once, without calling the parser again: the stuck thread keeps one
 * core busy, and a second stuck thread per test would make the whole step take many minutes.
 */
final class ParserDeadline implements InvocationInterceptor {
    static final Duration LIMIT = Duration.ofSeconds(10);
    private static volatile String hungIn;

    @Override
    public void interceptTestMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> call, ExtensionContext context) throws Throwable {
        guard(invocation, context);
    }

    @Override
    public void interceptTestTemplateMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> call, ExtensionContext context)
            throws Throwable {
        guard(invocation, context);
    }

    private static void guard(Invocation<Void> invocation, ExtensionContext context) throws Throwable {
        skipIfHung(invocation);
        String test = context.getParent().map(ExtensionContext::getDisplayName).map(parent -> parent + " / ").orElse("")
                + context.getDisplayName();
        assertTimeoutPreemptively(LIMIT, () -> {
            invocation.proceed();
            return null;
        }, () -> {
            hungIn = test;
            return "the parser did not return within " + LIMIT.toSeconds() + " s: an endless loop? Look for a loop whose index "
                    + "stops moving (in parse, nextLine, parseRequestLine, parseHeaderLine or contentLength), or a parse() "
                    + "that keeps answering without using a byte";
        });
    }

    /**
     * For the server tests: no watchdog (their sockets have deadlines of their own), but once a
     * parser hung they fail at once instead of each waiting for an answer a stuck thread never sends.
     */
    static final class SkipAfterHang implements InvocationInterceptor {
        @Override
        public void interceptTestMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> call, ExtensionContext context)
                throws Throwable {
            skipIfHung(invocation);
            invocation.proceed();
        }

        @Override
        public void interceptTestTemplateMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> call,
                ExtensionContext context) throws Throwable {
            skipIfHung(invocation);
            invocation.proceed();
        }
    }

    private static void skipIfHung(Invocation<Void> invocation) {
        if (hungIn != null) {
            invocation.skip();
            throw new AssertionFailedError("not run: the parser never returned in the earlier test \"" + hungIn
                    + "\" (an endless loop?); fix that first");
        }
    }
}
