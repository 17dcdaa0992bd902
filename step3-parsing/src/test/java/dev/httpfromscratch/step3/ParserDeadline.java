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
            probeOnce();
            skipIfHung(invocation);
            invocation.proceed();
        }

        @Override
        public void interceptTestTemplateMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> call,
                ExtensionContext context) throws Throwable {
            probeOnce();
            skipIfHung(invocation);
            invocation.proceed();
        }
    }

    private static volatile boolean probed;

    /**
     * Before the first server test (whatever order the tests run in), feeds the parser two small
     * requests, whole and one byte at a time, on a daemon thread. A parser that does not return
     * would hang every connection thread of every server test, each until its own deadline.
     */
    private static synchronized void probeOnce() throws InterruptedException {
        if (probed || hungIn != null) {
            return;
        }
        probed = true;
        Thread probe = Thread.ofPlatform().daemon().name("parser-probe").start(() -> {
            for (String request : new String[] {"GET / HTTP/1.1\r\nHost: a\r\n\r\n",
                    "POST /api HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nhi"}) {
                byte[] bytes = request.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
                try {
                    new RequestParser().parse(java.nio.ByteBuffer.wrap(bytes));
                    RequestParser parser = new RequestParser();
                    for (int i = 0; i < bytes.length; i++) {
                        parser.parse(java.nio.ByteBuffer.wrap(bytes, i, 1));
                    }
                } catch (RuntimeException | StackOverflowError notAHang) {
                    // a broken parser, not a stuck one: the tests say what is wrong
                }
            }
        });
        probe.join(LIMIT.toMillis());
        if (probe.isAlive()) {
            hungIn = "a check of the parser before the server tests: parse() of GET / or a small POST, whole or one byte at a time";
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
