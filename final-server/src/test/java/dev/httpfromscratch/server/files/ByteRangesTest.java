package dev.httpfromscratch.server.files;

import static org.assertj.core.api.Assertions.assertThat;

import dev.httpfromscratch.server.files.ByteRanges.Part;
import dev.httpfromscratch.testkit.Extension;
import dev.httpfromscratch.testkit.Points;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The range arithmetic alone, in memory (docs/08-files.md, "Code: byte ranges"): a 1000-byte file, bytes 0 to 999. */
@Extension("files")
@DisplayName("Files: byte ranges")
class ByteRangesTest {
    private static final long SIZE = 1000;

    private static ByteRanges.Decision decide(String range) {
        return ByteRanges.decide(range, SIZE);
    }

    @Test
    @Points(2)
    @DisplayName("bytes=a-b, a- and -n name the bytes RFC 9110 §14.1.2 says, a last byte past the end stops at the end")
    void theThreeForms() {
        assertThat(decide("bytes=0-99")).as("Range: bytes=0-99 of a 1000-byte file is bytes 0 to 99 (the last byte is inclusive)")
                .isEqualTo(new Part(0, 99));
        assertThat(decide("bytes=900-")).as("Range: bytes=900- (resume from 900) is bytes 900 to 999").isEqualTo(new Part(900, 999));
        assertThat(decide("bytes=-100")).as("Range: bytes=-100 (the last 100 bytes) is bytes 900 to 999").isEqualTo(new Part(900, 999));
        assertThat(decide("bytes=-5000")).as("Range: bytes=-5000, more than the file: the whole file, as bytes 0 to 999").isEqualTo(new Part(0, 999));
        assertThat(decide("bytes=990-5000")).as("Range: bytes=990-5000: the last byte is cut to the end, 990 to 999").isEqualTo(new Part(990, 999));
        assertThat(decide("bytes=999-999")).as("Range: bytes=999-999 is the last byte alone").isEqualTo(new Part(999, 999));
        assertThat(new Part(10, 19).contentRange(SIZE)).as("Content-Range of bytes 10 to 19").isEqualTo("bytes 10-19/1000");
    }

    @Test
    @Points(1)
    @DisplayName("a first byte at or past the end, or the last 0 bytes, is unsatisfiable (416)")
    void unsatisfiable() {
        assertThat(decide("bytes=1000-")).as("Range: bytes=1000- of a 1000-byte file (its last byte is 999)").isEqualTo(ByteRanges.UNSATISFIABLE);
        assertThat(decide("bytes=5000-6000")).as("Range: bytes=5000-6000 of a 1000-byte file").isEqualTo(ByteRanges.UNSATISFIABLE);
        assertThat(decide("bytes=-0")).as("Range: bytes=-0 (the last zero bytes)").isEqualTo(ByteRanges.UNSATISFIABLE);
        assertThat(ByteRanges.decide("bytes=0-", 0)).as("Range: bytes=0- of an empty file").isEqualTo(ByteRanges.UNSATISFIABLE);
    }

    @Test
    @Points(1)
    @DisplayName("no Range, a malformed one, another unit or several ranges: the whole file (200)")
    void wholeFile() {
        for (String range : new String[] {null, "bytes=5-2", "bytes=abc", "bytes=-", "items=0-5", "bytes 0-5", "bytes=0-1,5-9", "bytes=1-2-3"}) {
            assertThat(decide(range)).as("Range: %s must be ignored (the whole file, 200): malformed, another unit, or several ranges", range)
                    .isEqualTo(ByteRanges.WHOLE);
        }
        assertThat(decide("bytes=99999999999999999999999-")).as("a first byte too large for a long is past the end, not a crash")
                .isEqualTo(ByteRanges.UNSATISFIABLE);
    }
}
