package dev.httpfromscratch.grading;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Writes the student repository from the reference (docs/instructors.md, "The starter"):
 * the root pom, .mvn, .github (the grading workflow), README and docs, and every module of the
 * root pom with each solution region replaced by its stub; {@code // SOLUTION FILE} sources and
 * {@code @Hidden} test classes left out. What the course's own CI needs ({@code .ci/}, each
 * module's {@code mistakes/} patches, which are diffs of the reference) and
 * anything not listed in the root pom (a step still being written) stay behind.
 *
 * <pre>
 * mvn -pl course-grading compile exec:exec@starter [-Dstarter.dir=/path/to/folder]
 * </pre>
 */
public final class StarterGenerator {
    /** Written into every starter, so a later run may replace the folder without asking. */
    static final String STAMP = ".starter-generated";
    /** Top-level folders copied besides the modules. */
    private static final Set<String> ROOT_FOLDERS = Set.of(".mvn", ".github", "docs");
    /** A module's catalogue of mistake patches (.ci/check-mistakes), never copied. */
    private static final String MISTAKES = "mistakes";
    /** Never copied, wherever they are. */
    private static final Set<String> SKIPPED_NAMES = Set.of("target", ".git", ".idea", ".vscode", ".settings");

    private final Path root;
    private final Path out;
    private int copied;
    private int regions;
    private int solutionFiles;
    private int hiddenFiles;

    StarterGenerator(Path root, Path out) {
        this.root = root;
        this.out = out;
    }

    public static void main(String[] args) throws IOException {
        Arguments arguments = Arguments.parse(args);
        Path root = arguments.path("--root");
        Path out = arguments.path("--out");
        try {
            new StarterGenerator(root, out).generate();
        } catch (SolutionMarkers.MarkerException | IllegalStateException problem) {
            System.err.println("starter: " + problem.getMessage());
            System.exit(1);
        }
    }

    void generate() throws IOException {
        prepareOutput();
        try (Stream<Path> top = Files.list(root)) {
            for (Path file : top.filter(Files::isRegularFile).sorted().toList()) {
                String name = file.getFileName().toString();
                if (!name.startsWith(".") || name.equals(".gitignore") || name.equals(".gitattributes")) {
                    copy(file);
                }
            }
        }
        for (String folder : ROOT_FOLDERS.stream().sorted().toList()) {
            copyTree(root.resolve(folder));
        }
        for (String module : CourseModules.listWithProfiles(root)) {
            copyTree(root.resolve(module));
        }
        Files.writeString(out.resolve(STAMP), "Generated from the reference by StarterGenerator; safe to delete.\n");
        System.out.printf("starter written to %s: %d files, %d solution regions stubbed, %d solution files and %d hidden test files left out%n",
                out, copied, regions, solutionFiles, hiddenFiles);
    }

    /** An earlier starter is replaced; any other non-empty folder is refused, never deleted. */
    private void prepareOutput() throws IOException {
        if (Files.isDirectory(out)) {
            boolean empty;
            try (Stream<Path> entries = Files.list(out)) {
                empty = entries.findAny().isEmpty();
            }
            if (!empty && !Files.exists(out.resolve(STAMP))) {
                throw new IllegalStateException(out + " is not empty and was not written by this generator: choose another -Dstarter.dir");
            }
            try (Stream<Path> old = Files.walk(out)) {
                for (Path path : old.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(path);
                }
            }
        }
        Files.createDirectories(out);
    }

    private void copyTree(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            return;
        }
        List<Path> files;
        try (Stream<Path> walk = Files.walk(folder)) {
            files = walk.filter(Files::isRegularFile).filter(this::wanted).sorted().toList();
        }
        for (Path file : files) {
            copy(file);
        }
    }

    private boolean wanted(Path file) {
        Path relative = root.relativize(file);
        for (Path part : relative) {
            if (SKIPPED_NAMES.contains(part.toString())) {
                return false;
            }
        }
        if (relative.getNameCount() > 1 && relative.getName(1).toString().equals(MISTAKES)) {
            return false; // <module>/mistakes/*.patch are diffs of the reference: they would give it away
        }
        String name = file.getFileName().toString();
        return !name.endsWith(".class") && !name.endsWith(".iml") && !name.endsWith(".log");
    }

    private void copy(Path file) throws IOException {
        Path relative = root.relativize(file);
        Path target = out.resolve(relative.toString());
        if (!file.toString().endsWith(".java")) {
            Files.createDirectories(target.getParent());
            Files.copy(file, target);
            copied++;
            return;
        }
        String source = Files.readString(file, StandardCharsets.UTF_8);
        String label = relative.toString();
        if (SolutionMarkers.isSolutionFile(source)) {
            solutionFiles++;
            return;
        }
        if (relative.toString().contains("src/test/") && SolutionMarkers.isHiddenTest(source, label)) {
            hiddenFiles++;
            return;
        }
        SolutionMarkers.Stubbed stubbed = SolutionMarkers.stub(source, label);
        regions += stubbed.regions();
        Files.createDirectories(target.getParent());
        Files.writeString(target, stubbed.text(), StandardCharsets.UTF_8);
        copied++;
    }
}
