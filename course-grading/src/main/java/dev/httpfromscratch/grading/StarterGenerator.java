package dev.httpfromscratch.grading;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Writes the student repository from the reference (docs/instructors.md, "The starter"):
 * the root pom, .mvn, .github (the grading workflow), docs and the benchmark results the docs
 * show, the student README ({@code grading/starter-README.md}), and every module of the root pom
 * with each solution region replaced by its stub; {@code // SOLUTION FILE} sources and
 * {@code @Hidden} test classes left out. Instructor-only files stay behind: {@code docs/instructors*.md},
 * DEVELOPERS.md, {@code .ci/}, {@code gradescope/}, {@code grading/}, each module's {@code mistakes/}
 * patches (diffs of the reference: they would give it away), and anything not listed in the root
 * pom (a step still being written).
 *
 * <p>At checkpoint N ({@code -Dstarter.checkpoint=N}) the graded steps before N are shipped
 * solved (a catch-up starter, released after their deadline), the others stubbed. An extension
 * checkpoint (its tests {@code @Extension("files")}, its stubs {@code "Files: ...}) sits with its
 * module (files: final-server) but is never shipped solved: at checkpoint 6 the core course is
 * solved and the extension is still to write.
 *
 * <p>Reference jars ({@code -Dstarter.referenceJars=true}, or {@code all}): the runnable jars the
 * reference built ({@code <module>/target/<module>.jar}) of the graded steps before the checkpoint
 * ({@code true}) or of every graded step ({@code all}) go to {@code reference-jars/}, and the
 * student README says so: a working server for the "By hand first" experiments of a step the
 * student has not written yet. A jar can be decompiled, so {@code all} is the instructor's choice.
 *
 * <p>Three checks make a bad starter fail the generator rather than reach students: no shipped
 * test file may use {@code Hidden} in any form, every relative link of every shipped Markdown
 * file must resolve inside the starter, and every stub's {@code (docs/NN-....md, 'Section')} must
 * name a heading of that chapter (an extension's stubs and chapter 08 included).
 *
 * <pre>
 * mvn -pl course-grading compile exec:exec@starter [-Dstarter.dir=folder] [-Dstarter.checkpoint=N]
 *     [-Dstarter.referenceJars=false|true|all]
 * </pre>
 */
public final class StarterGenerator {
    /** Written into every starter, so a later run may replace the folder without asking. */
    static final String STAMP = ".starter-generated";
    /** Top-level folders copied besides the modules. */
    private static final Set<String> ROOT_FOLDERS = Set.of(".mvn", ".github", "docs", "bench/results");
    /** Root files instructors and contributors read, never students. */
    private static final Set<String> INSTRUCTOR_FILES = Set.of("DEVELOPERS.md", "README.md");
    /** The README students get in place of the reference's. */
    static final String STUDENT_README = "grading/starter-README.md";
    /** A module's catalogue of mistake patches (.ci/check-mistakes), never copied. */
    private static final String MISTAKES = "mistakes";
    /** Where the starter keeps the reference jars an instructor chose to ship. */
    static final String REFERENCE_JARS = "reference-jars";
    /** Never copied, wherever they are. */
    private static final Set<String> SKIPPED_NAMES = Set.of("target", ".git", ".idea", ".vscode", ".settings");

    private final Path root;
    private final Path out;
    private int copied;
    private int regions;
    private int solutionFiles;
    private int hiddenFiles;
    private final int checkpoint;
    private final List<String> solvedModules;
    private final List<String> graded;
    private List<String> jarModules = List.of();
    private final java.util.Map<String, Set<String>> extensions = new java.util.HashMap<>();

    StarterGenerator(Path root, Path out) {
        this(root, out, 1);
    }

    StarterGenerator(Path root, Path out, int checkpoint) {
        this.root = root;
        this.out = out;
        this.checkpoint = checkpoint;
        this.graded = CourseModules.list(root).stream()
                .filter(module -> CourseModules.declaredPoints(root.resolve(module)) > 0).toList();
        if (checkpoint < 1 || checkpoint > graded.size() + 1) {
            throw new IllegalStateException("checkpoint " + checkpoint + " does not exist: the course has "
                    + graded.size() + " graded steps " + graded + " (1 = nothing solved)");
        }
        this.solvedModules = graded.subList(0, checkpoint - 1);
    }

    /**
     * Which steps' reference jars ship: "false" none, "true" the steps before the checkpoint (their
     * answers are released already), "all" every graded step.
     */
    StarterGenerator withReferenceJars(String which) {
        jarModules = switch (which) {
            case "false", "none", "" -> List.of();
            case "true" -> solvedModules;
            case "all" -> graded;
            default -> throw new IllegalStateException("starter.referenceJars is '" + which + "': say false, true or all");
        };
        return this;
    }

    public static void main(String[] args) throws IOException {
        Arguments arguments = Arguments.parse(args);
        Path root = arguments.path("--root");
        Path out = arguments.pathFromCwd("--out");
        try {
            new StarterGenerator(root, out, Integer.parseInt(arguments.text("--checkpoint", "1")))
                    .withReferenceJars(arguments.text("--reference-jars", "false")).generate();
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
                if ((!name.startsWith(".") || name.equals(".gitignore") || name.equals(".gitattributes"))
                        && !INSTRUCTOR_FILES.contains(name)) {
                    copy(file);
                }
            }
        }
        Path readme = root.resolve(STUDENT_README);
        if (!Files.isRegularFile(readme)) {
            throw new IllegalStateException("the student README " + readme + " is missing");
        }
        String studentReadme = Files.readString(readme, StandardCharsets.UTF_8);
        Files.writeString(out.resolve("README.md"), studentReadme + copyReferenceJars(), StandardCharsets.UTF_8);
        for (String folder : ROOT_FOLDERS.stream().sorted().toList()) {
            copyTree(root.resolve(folder));
        }
        for (String module : CourseModules.listWithProfiles(root)) {
            copyTree(root.resolve(module));
        }
        Files.writeString(out.resolve(STAMP), "Generated from the reference by StarterGenerator; safe to delete.\n");
        List<String> problems = new ArrayList<>(StarterChecks.hiddenTestsShipped(out));
        problems.addAll(StarterChecks.brokenLinks(out));
        problems.addAll(StarterChecks.missingSections(out));
        if (!problems.isEmpty()) {
            throw new IllegalStateException("this starter must not reach students:\n  " + String.join("\n  ", problems));
        }
        System.out.printf("starter (checkpoint %d%s%s) written to %s: %d files, %d solution regions stubbed, %d solution files and %d hidden test files left out%n",
                checkpoint, solvedModules.isEmpty() ? "" : ", solved: " + solvedModules,
                jarModules.isEmpty() ? "" : ", reference jars: " + jarModules, out, copied, regions, solutionFiles, hiddenFiles);
    }

    /**
     * Copies the chosen steps' runnable jars into {@code reference-jars/} and returns the README's
     * paragraph about them (empty when none ship). A jar missing or older than its module's
     * sources is refused: the starter would ship a server that is not this reference.
     */
    private String copyReferenceJars() throws IOException {
        if (jarModules.isEmpty()) {
            return "";
        }
        StringBuilder list = new StringBuilder();
        for (String module : jarModules) {
            Path jar = root.resolve(module).resolve("target").resolve(module + ".jar");
            if (!Files.isRegularFile(jar) || Files.getLastModifiedTime(jar).compareTo(newestSource(root.resolve(module))) < 0) {
                throw new IllegalStateException(jar + " is missing or older than " + module + "'s sources: "
                        + "build the reference first (mvn -B -ntp -q -DskipTests package)");
            }
            Path target = out.resolve(REFERENCE_JARS).resolve(module + ".jar");
            Files.createDirectories(target.getParent());
            Files.copy(jar, target);
            copied++;
            list.append("- `").append(REFERENCE_JARS).append('/').append(module).append(".jar`\n");
        }
        return "\n## Reference servers\n"
                + "Your instructor included the reference's runnable jars of these steps, for the \"By hand first\"\n"
                + "experiments of a step you have not written yet (`./java21 -jar reference-jars/<step>.jar --help`):\n\n"
                + list;
    }

    private static java.nio.file.attribute.FileTime newestSource(Path module) throws IOException {
        java.nio.file.attribute.FileTime newest = java.nio.file.attribute.FileTime.fromMillis(0);
        Path main = module.resolve("src").resolve("main");
        if (!Files.isDirectory(main)) {
            return newest;
        }
        try (Stream<Path> files = Files.walk(main)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                java.nio.file.attribute.FileTime time = Files.getLastModifiedTime(file);
                if (time.compareTo(newest) > 0) {
                    newest = time;
                }
            }
        }
        return newest;
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

    /** The extensions a module's tests declare ({@code @Extension("files")}), lower-case names. */
    private Set<String> extensionsOf(String module) {
        return extensions.computeIfAbsent(module, m -> CourseModules.declaredExtensions(root.resolve(m)));
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
        if (name.matches("instructors.*\\.md")) {
            return false; // docs/instructors.md and any instructors-*.md beside it
        }
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
        String module = relative.getName(0).toString();
        if (solvedModules.contains(module)) {
            SolutionMarkers.stub(source, label); // markers still checked
            // An extension of a solved step stays to be written (docs/instructors.md, "Extensions").
            SolutionMarkers.Stubbed stubbed = SolutionMarkers.stubExtensions(source, label, extensionsOf(module));
            regions += stubbed.regions();
            Files.createDirectories(target.getParent());
            Files.writeString(target, stubbed.text(), StandardCharsets.UTF_8);
            copied++;
            return;
        }
        SolutionMarkers.Stubbed stubbed = SolutionMarkers.stub(source, label, checkpoint);
        regions += stubbed.regions();
        Files.createDirectories(target.getParent());
        Files.writeString(target, stubbed.text(), StandardCharsets.UTF_8);
        copied++;
    }
}
