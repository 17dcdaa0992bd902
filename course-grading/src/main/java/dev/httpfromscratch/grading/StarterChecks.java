package dev.httpfromscratch.grading;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What a generated starter must never be, checked on the written folder itself (so a bug in the
 * generator's filters is caught too): a starter that ships a hidden test, whose Markdown links
 * point at files it does not contain (an instructor page, a folder left behind), or whose stubs send
 * a student to a chapter section that does not exist.
 */
final class StarterChecks {
    /** The test kit's Hidden annotation used in any form the compiler accepts (import, simple or full name). */
    private static final Pattern HIDDEN_USE = Pattern.compile("\\btestkit\\.Hidden\\b|@\\s*Hidden\\b");
    /** A Markdown inline link or image: ](target) or ](target "title"). */
    private static final Pattern LINK = Pattern.compile("\\]\\(\\s*<?([^)\\s>]+)>?(?:\\s+\"[^\"]*\")?\\s*\\)");

    /** A stub's pointer into a chapter: {@code (docs/08-files.md, 'Code: byte ranges')}. */
    private static final Pattern SECTION_REFERENCE = Pattern.compile("\\((docs/[0-9][^,()]*\\.md), '([^']+)'\\)");

    private StarterChecks() {}

    /**
     * Stubs (any source of the starter's src/main) whose chapter section is missing: the file must be in
     * the starter and hold a heading with exactly that title (backticks aside, as Markdown shows it).
     */
    static List<String> missingSections(Path starter) throws IOException {
        List<String> problems = new ArrayList<>();
        for (Path file : files(starter, ".java")) {
            String relative = starter.relativize(file).toString();
            if (!relative.contains("src/main/")) {
                continue;
            }
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            for (int i = 0; i < lines.size(); i++) {
                Matcher reference = SECTION_REFERENCE.matcher(lines.get(i));
                while (reference.find()) {
                    Path chapter = starter.resolve(reference.group(1));
                    if (!Files.isRegularFile(chapter)) {
                        problems.add(relative + ":" + (i + 1) + ": the stub names " + reference.group(1) + ", which is not in the starter");
                    } else if (!headings(chapter).contains(reference.group(2))) {
                        problems.add(relative + ":" + (i + 1) + ": the stub names the section '" + reference.group(2)
                                + "', which " + reference.group(1) + " has no heading for");
                    }
                }
            }
        }
        return problems;
    }

    private static List<String> headings(Path markdown) throws IOException {
        return Files.readAllLines(markdown, StandardCharsets.UTF_8).stream().filter(line -> line.matches("#{1,6} .*"))
                .map(line -> line.replaceFirst("^#+ ", "").replace("`", "").strip()).toList();
    }

    /** Test sources of the starter that the grading listener would treat as hidden. */
    static List<String> hiddenTestsShipped(Path starter) throws IOException {
        List<String> problems = new ArrayList<>();
        for (Path file : files(starter, ".java")) {
            String relative = starter.relativize(file).toString();
            if (!relative.contains("src/test/")) {
                continue;
            }
            String source = Files.readString(file, StandardCharsets.UTF_8);
            Matcher use = HIDDEN_USE.matcher(source);
            if (use.find()) {
                int line = (int) source.substring(0, use.start()).chars().filter(c -> c == '\n').count() + 1;
                problems.add(relative + ":" + line + ": uses the test kit's Hidden, so it is an instructor's test, yet it would ship");
            }
        }
        return problems;
    }

    /** Relative links of the starter's Markdown files whose target is not in the starter. */
    static List<String> brokenLinks(Path starter) throws IOException {
        List<String> problems = new ArrayList<>();
        for (Path file : files(starter, ".md")) {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            boolean inCode = false;
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).strip().startsWith("```")) {
                    inCode = !inCode;
                }
                if (inCode) {
                    continue;
                }
                Matcher link = LINK.matcher(lines.get(i).replaceAll("`[^`]*`", ""));
                while (link.find()) {
                    String target = link.group(1);
                    if (target.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*") || target.startsWith("#")) {
                        continue; // https:, mailto:, an anchor in the same page
                    }
                    String path = target.replaceFirst("[#?].*$", "");
                    Path resolved = file.getParent().resolve(path).normalize();
                    if (!resolved.startsWith(starter) || !Files.exists(resolved)) {
                        problems.add(starter.relativize(file) + ":" + (i + 1) + ": the link (" + target + ") points at nothing in the starter");
                    }
                }
            }
        }
        return problems;
    }

    private static List<Path> files(Path folder, String suffix) throws IOException {
        try (Stream<Path> walk = Files.walk(folder)) {
            return walk.filter(Files::isRegularFile).filter(f -> f.toString().endsWith(suffix)).sorted().toList();
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
