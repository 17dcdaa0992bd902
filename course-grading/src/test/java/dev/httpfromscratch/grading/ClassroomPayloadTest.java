package dev.httpfromscratch.grading;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The GitHub Classroom payload: it must fit one environment variable whatever the failure messages
 * say, and its two totals (the sum of the scores, and passed entries against the maximum) agree.
 */
@DisplayName("Classroom payload: size and totals")
class ClassroomPayloadTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static CourseReport.StepScore step(String module, int tests, int pointsEach, int passed, String message) {
        List<JsonNode> results = new ArrayList<>();
        for (int i = 0; i < tests; i++) {
            ObjectNode test = JSON.createObjectNode();
            test.put("name", "Step: a test with a long display name that says what the checkpoint asks, number " + i);
            test.put("max_score", pointsEach);
            test.put("score", i < passed ? pointsEach : 0);
            test.put("status", i < passed ? "passed" : "failed");
            test.put("output", i < passed ? "" : message);
            test.putObject("extra_data").put("test", "SomeTest.method" + i);
            results.add(test);
        }
        return new CourseReport.StepScore(module, passed * pointsEach, tests * pointsEach, results, null);
    }

    @Test
    @DisplayName("4 000-character messages on 100 failed tests (the course has about that many) fit, well under the 128 KiB limit")
    void hugeMessagesAreShortened() {
        List<CourseReport.StepScore> steps = List.of(step("step1", 50, 2, 0, "x".repeat(4_000)), step("step2", 50, 2, 0, "y".repeat(4_000)));
        String json = CourseReport.classroomJson(steps);
        assertThat(json.getBytes(StandardCharsets.UTF_8).length)
                .as("classroom.json bytes (base64 makes it 4/3 larger in the variable)")
                .isLessThanOrEqualTo(CourseReport.CLASSROOM_JSON_LIMIT);
        assertThat(JSON.readTree(json).get("tests").get(0).get("message").asString())
                .as("the first failure keeps the start of its message").startsWith("xxx");
    }

    @Test
    @DisplayName("even 150 failed tests with long messages fit: the messages go, the entries stay")
    void manyTestsStillFit() {
        String json = CourseReport.classroomJson(List.of(step("step1", 150, 1, 0, "z".repeat(4_000))));
        assertThat(json.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(CourseReport.CLASSROOM_JSON_LIMIT);
    }

    @Test
    @DisplayName("one entry per point: the scores add up to the points earned, and passed entries / entries = earned / max")
    void totalsAgree() {
        List<CourseReport.StepScore> steps = List.of(step("step1", 4, 3, 1, "failed"), step("step2", 3, 2, 3, ""));
        JsonNode payload = CourseReport.classroom(steps);
        JsonNode tests = payload.get("tests");
        int sum = 0;
        int passed = 0;
        for (JsonNode entry : tests) {
            sum += entry.get("score").asInt();
            passed += entry.get("status").asString().equals("pass") ? 1 : 0;
            assertThat(entry.get("line_no").asInt()).as("line_no of " + entry.get("name")).isPositive();
        }
        assertThat(sum).as("sum of the entries' scores").isEqualTo(3 + 6);
        assertThat(tests.size()).as("entries").isEqualTo(payload.get("max_score").asInt()).isEqualTo(12 + 6);
        assertThat(passed).as("passed entries").isEqualTo(sum);
        assertThat(tests.get(0).get("test_code").asString()).isEqualTo("mvn -pl step1 test -Dtest='SomeTest#method0'");
    }
}
