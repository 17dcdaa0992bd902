package dev.httpfromscratch.grading;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * The modules of the course as the root pom lists them, in build order. Nothing here names a
 * step: a checkpoint added to the root pom is graded and put in the starter without any change.
 */
public final class CourseModules {
    /** This module: it grades the others and has no graded tests of its own. */
    static final String SELF = "course-grading";

    private static final Pattern POINTS = Pattern.compile("@Points\\(\\s*(\\d+)\\s*\\)");

    private CourseModules() {}

    /** The modules every build has: {@code <project><modules>} of {@code root/pom.xml}, in order. */
    public static List<String> list(Path root) {
        return modules(root, false);
    }

    /** Those and the modules of the pom's profiles (benchmarks, say): what a starter must contain. */
    public static List<String> listWithProfiles(Path root) {
        return modules(root, true);
    }

    private static List<String> modules(Path root, boolean withProfiles) {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(false);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            Document pom = factory.newDocumentBuilder().parse(root.resolve("pom.xml").toFile());
            NodeList modules = pom.getElementsByTagName("module");
            List<String> names = new ArrayList<>();
            for (int i = 0; i < modules.getLength(); i++) {
                Node module = modules.item(i);
                Node owner = module.getParentNode().getParentNode(); // <modules> sits in <project> or in a <profile>
                if (withProfiles || owner.getNodeName().equals("project")) {
                    names.add(module.getTextContent().strip());
                }
            }
            return names;
        } catch (Exception unreadable) {
            throw new IllegalStateException("cannot read the module list of " + root.resolve("pom.xml") + ": " + unreadable, unreadable);
        }
    }

    /** {@code @Extension("files")} on a test class: every point of that file is the extension's. */
    private static final Pattern EXTENSION = Pattern.compile("@(?:dev\\.httpfromscratch\\.testkit\\.)?Extension\\(\\s*\"([^\"]+)\"\\s*\\)");

    /**
     * Points a module's test sources declare for the core course (the sum of every {@code @Points(n)}
     * outside {@code @Extension} classes), read from the source text: used only when a step's tests did
     * not run, so its report can still say how much it was worth. 0 means the module is not graded.
     */
    public static int declaredPoints(Path module) {
        return declared(module).getOrDefault("", 0);
    }

    /** Points each extension's test classes declare ({@code files} -> 40), in the order found. */
    public static Map<String, Integer> declaredExtensionPoints(Path module) {
        Map<String, Integer> extensions = new LinkedHashMap<>(declared(module));
        extensions.remove("");
        extensions.values().removeIf(points -> points == 0);
        return extensions;
    }

    /** The extensions a module's test classes name, with or without points yet. */
    public static java.util.Set<String> declaredExtensions(Path module) {
        java.util.Set<String> names = new java.util.LinkedHashSet<>(declared(module).keySet());
        names.remove("");
        return names;
    }

    /** Declared points by extension name, "" for the core course. */
    private static Map<String, Integer> declared(Path module) {
        Path tests = module.resolve("src/test/java");
        Map<String, Integer> sums = new LinkedHashMap<>();
        if (!Files.isDirectory(tests)) {
            return sums;
        }
        try (Stream<Path> files = Files.walk(tests)) {
            for (Path file : files.filter(path -> path.toString().endsWith(".java")).sorted().toList()) {
                String source = Files.readString(file);
                Matcher extension = EXTENSION.matcher(source);
                String name = extension.find() ? extension.group(1) : "";
                sums.putIfAbsent(name, 0);
                Matcher points = POINTS.matcher(source);
                while (points.find()) {
                    sums.merge(name, Integer.parseInt(points.group(1)), Integer::sum);
                }
            }
            return sums;
        } catch (IOException unreadable) {
            throw new UncheckedIOException(unreadable);
        }
    }
}
