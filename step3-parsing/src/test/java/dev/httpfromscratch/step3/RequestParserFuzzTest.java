package dev.httpfromscratch.step3;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Coverage-guided fuzzing of the parser with Jazzer (docs/03-parsing.md, "Fuzzing").
 *
 * <p>Whatever the bytes, and however they are cut into reads, the parser must answer one of its
 * three results and nothing else: no exception, no request bigger than its limits, no unused
 * bytes after "need more". In {@code mvn test} this runs once per input in
 * {@code src/test/resources/dev/httpfromscratch/step3/RequestParserFuzzTestInputs/fuzzParser}
 * (regression mode). For a real fuzzing run of one minute:
 * <pre>{@code JAZZER_FUZZ=1 mvn -pl step3-parsing test -Dtest=RequestParserFuzzTest -Dsurefire.failIfNoSpecifiedTests=false}</pre>
 * Inputs that break the parser are written next to the seeds; keep them there as regression cases.
 *
 * <p>Input format: the first byte chooses the size of the reads (1 to 64 bytes), the rest is what
 * the client sends. A seed file is therefore a readable request with one byte in front.
 */
@DisplayName("Step 3: the parser under fuzzing")
@ExtendWith(ParserDeadline.class)
class RequestParserFuzzTest {
    /** Small limits, so the fuzzer reaches every limit within a few hundred bytes. */
    private static final ParserLimits SMALL = new ParserLimits(64, 256, 8, 32);
    private static final Set<Integer> REJECTION_STATUSES = Set.of(400, 413, 414, 431, 501, 505);

    @FuzzTest(maxDuration = "60s")
    @DisplayName("any input gives Complete, NeedMore or Rejected, within the limits")
    void fuzzParser(byte[] input) {
        if (input.length == 0) {
            return;
        }
        int readSize = 1 + (input[0] & 0xff) % 64;
        feed(new RequestParser(SMALL), SMALL, input, readSize);
        feed(new RequestParser(ParserLimits.DEFAULTS), ParserLimits.DEFAULTS, input, readSize);
    }

    /** Feeds {@code input[1..]} in reads of {@code readSize} bytes, parsing pipelined requests until the input ends or one is rejected. */
    private static void feed(RequestParser parser, ParserLimits limits, byte[] input, int readSize) {
        ByteBuffer buffer = ByteBuffer.allocate(input.length);
        buffer.flip();
        for (int from = 1; from < input.length; from += readSize) {
            buffer.compact().put(input, from, Math.min(readSize, input.length - from)).flip();
            while (true) {
                ParseResult result = parser.parse(buffer);
                switch (result) {
                    case ParseResult.NeedMore needMore -> assertThat(buffer.hasRemaining())
                            .as("NeedMore must mean every byte given was used").isFalse();
                    case ParseResult.Complete complete -> {
                        HttpRequest request = complete.request();
                        assertThat(request.body().length).isLessThanOrEqualTo(limits.maxBodyBytes());
                        assertThat(request.headers().size()).isLessThanOrEqualTo(limits.maxHeaderCount());
                        assertThat(complete.bytesConsumed()).isPositive();
                        assertThat(request.target()).isNotEmpty();
                    }
                    case ParseResult.Rejected rejected -> {
                        assertThat(REJECTION_STATUSES).contains(rejected.status());
                        assertThat(rejected.reason()).isNotBlank().doesNotContain("\n");
                        assertThat(parser.parse(buffer)).as("a rejected parser stays rejected").isEqualTo(rejected);
                        return;
                    }
                }
                if (!(result instanceof ParseResult.Complete) || !buffer.hasRemaining()) {
                    break;
                }
            }
        }
    }
}
