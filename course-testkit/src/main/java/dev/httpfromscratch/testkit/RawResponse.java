package dev.httpfromscratch.testkit;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * One HTTP response as the raw-socket client read it: status line, header fields in the order
 * they came, body (already de-chunked), the exact bytes, and the conversation so far for
 * failure messages.
 */
public record RawResponse(String statusLine, String version, int status, String reason,
                          List<Header> headers, byte[] body, byte[] raw, String transcript) {

    /** One header field; names compare case-insensitively (RFC 9110 §5.1). */
    public record Header(String name, String value) {}

    /** The value of the first field called {@code name}, if any. */
    public Optional<String> header(String name) {
        return headers.stream().filter(h -> h.name().equalsIgnoreCase(name)).map(Header::value).findFirst();
    }

    /** The values of every field called {@code name}, in order. */
    public List<String> headers(String name) {
        return headers.stream().filter(h -> h.name().equalsIgnoreCase(name)).map(Header::value).toList();
    }

    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** True when the server announced it will close the connection after this response. */
    public boolean saysClose() {
        return header("Connection").map(v -> v.toLowerCase(Locale.ROOT).contains("close")).orElse(false);
    }

    @Override
    public String toString() {
        return statusLine + " (" + raw.length + " bytes)";
    }
}
