package dev.httpfromscratch.server.files;

import static dev.httpfromscratch.server.files.GzipNegotiation.Coding.GZIP;
import static dev.httpfromscratch.server.files.GzipNegotiation.Coding.IDENTITY;
import static org.assertj.core.api.Assertions.assertThat;

import dev.httpfromscratch.testkit.Extension;
import dev.httpfromscratch.testkit.Points;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Accept-Encoding alone, in memory (docs/08-files.md, "Code: negotiating gzip"), RFC 9110 §12.5.3. */
@Extension("files")
@DisplayName("Files: negotiating gzip")
class GzipNegotiationTest {

    @Test
    @Points(2)
    @DisplayName("gzip when the client lists it with a weight above 0, or through *; identity when it does not")
    void weights() {
        assertThat(GzipNegotiation.choose("gzip", true)).as("Accept-Encoding: gzip").isEqualTo(GZIP);
        assertThat(GzipNegotiation.choose("deflate, gzip;q=0.5, br", true)).as("Accept-Encoding: deflate, gzip;q=0.5, br").isEqualTo(GZIP);
        assertThat(GzipNegotiation.choose("GZip", true)).as("Accept-Encoding: GZip (codings are case-insensitive)").isEqualTo(GZIP);
        assertThat(GzipNegotiation.choose("*", true)).as("Accept-Encoding: * (any coding)").isEqualTo(GZIP);
        assertThat(GzipNegotiation.choose(null, true)).as("no Accept-Encoding field at all").isEqualTo(IDENTITY);
        assertThat(GzipNegotiation.choose("", true)).as("Accept-Encoding: (empty: identity only)").isEqualTo(IDENTITY);
        assertThat(GzipNegotiation.choose("br, deflate", true)).as("Accept-Encoding: br, deflate (no gzip)").isEqualTo(IDENTITY);
        assertThat(GzipNegotiation.choose("gzip;q=0", true)).as("Accept-Encoding: gzip;q=0 (q=0 means not acceptable)").isEqualTo(IDENTITY);
        assertThat(GzipNegotiation.choose("*;q=0.5, gzip;q=0", true)).as("Accept-Encoding: *;q=0.5, gzip;q=0 (a named coding beats *)").isEqualTo(IDENTITY);
        assertThat(GzipNegotiation.choose("gzip;q=0.4, identity;q=0.9", true)).as("Accept-Encoding: gzip;q=0.4, identity;q=0.9 (identity preferred)").isEqualTo(IDENTITY);
    }

    @Test
    @Points(1)
    @DisplayName("identity;q=0 forces gzip even for a tiny or compressed body; otherwise such a body stays identity")
    void identityRefused() {
        assertThat(GzipNegotiation.choose("gzip", false)).as("Accept-Encoding: gzip for a body not worth compressing (tiny, or a PNG)").isEqualTo(IDENTITY);
        assertThat(GzipNegotiation.choose("gzip, identity;q=0", false)).as("Accept-Encoding: gzip, identity;q=0: identity is refused, so gzip even for a tiny body")
                .isEqualTo(GZIP);
        assertThat(GzipNegotiation.choose("gzip, *;q=0", false)).as("Accept-Encoding: gzip, *;q=0 refuses identity through *").isEqualTo(GZIP);
        assertThat(GzipNegotiation.choose("gzip;q=1.5", true)).as("Accept-Encoding: gzip;q=1.5 (not a qvalue: the element is ignored)").isEqualTo(IDENTITY);
    }
}
