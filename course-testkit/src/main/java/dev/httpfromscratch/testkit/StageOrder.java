package dev.httpfromscratch.testkit;

import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.Comparator;
import org.junit.jupiter.api.ClassDescriptor;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.ClassOrdererContext;
import org.junit.jupiter.api.MethodDescriptor;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.MethodOrdererContext;
import org.junit.jupiter.api.Order;

/**
 * Runs a step's tests in the order its chapter builds the code: by {@link Stage}, lowest first.
 * A student who reads the first failure reads about the first thing left to do, and a wrong
 * solution stops at its earliest mistake when a run stops at the first failure.
 *
 * <p>Every module that tests with this kit uses it: the kit's {@code junit-platform.properties}
 * names {@link Classes} and {@link Methods} as JUnit Jupiter's default orderers. Tests without a
 * stage run after the staged ones; inside a stage, JUnit's {@link Order} (the test a chapter's stage
 * starts with first), else JUnit's discovery order (deterministic).
 */
public final class StageOrder {
    /** Where a test without {@link Stage} goes: after every stage. */
    static final int UNSTAGED = Integer.MAX_VALUE;

    private StageOrder() {}

    /** The stage of a method: its own {@link Stage}, else its class's (or an enclosing class's). */
    public static int of(Method method) {
        Stage onMethod = method.getAnnotation(Stage.class);
        return onMethod != null ? onMethod.value() : of(method.getDeclaringClass());
    }

    /** The {@link Stage} a test method checks: its own, else its class's or an enclosing class's; null if none. */
    public static Stage annotationOf(Method method) {
        Stage onMethod = method.getAnnotation(Stage.class);
        for (Class<?> c = method.getDeclaringClass(); onMethod == null && c != null; c = c.getEnclosingClass()) {
            onMethod = c.getAnnotation(Stage.class);
        }
        return onMethod;
    }

    /** The stage of a class: its {@link Stage}, else its earliest method's, else an enclosing class's. */
    public static int of(Class<?> testClass) {
        for (Class<?> c = testClass; c != null; c = c.getEnclosingClass()) {
            Stage onClass = c.getAnnotation(Stage.class);
            if (onClass != null) {
                return onClass.value();
            }
            int earliest = Arrays.stream(c.getDeclaredMethods()).map(StageOrder::declared).min(Integer::compare).orElse(UNSTAGED);
            if (earliest != UNSTAGED) {
                return earliest;
            }
        }
        return UNSTAGED;
    }

    private static int declared(AnnotatedElement element) {
        Stage stage = element.getAnnotation(Stage.class);
        return stage == null ? UNSTAGED : stage.value();
    }

    /** Test classes by stage (configured as {@code junit.jupiter.testclass.order.default}). */
    public static final class Classes implements ClassOrderer {
        @Override
        public void orderClasses(ClassOrdererContext context) {
            context.getClassDescriptors().sort(Comparator.comparingInt((ClassDescriptor c) -> of(c.getTestClass())));
        }
    }

    /**
     * Test methods by stage, then by JUnit's {@link Order} inside a stage (configured as
     * {@code junit.jupiter.testmethod.order.default}).
     */
    public static final class Methods implements MethodOrderer {
        @Override
        public void orderMethods(MethodOrdererContext context) {
            // JUnit hands the methods over in its deterministic discovery order; the sort is stable.
            context.getMethodDescriptors().sort(Comparator.comparingInt((MethodDescriptor m) -> of(m.getMethod()))
                    .thenComparingInt(m -> m.findAnnotation(Order.class).map(Order::value).orElse(Order.DEFAULT)));
        }
    }
}
