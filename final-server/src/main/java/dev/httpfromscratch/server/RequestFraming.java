package dev.httpfromscratch.server;

import dev.httpfromscratch.step3.BodyDecoder;
import dev.httpfromscratch.step3.BodyFraming;
import dev.httpfromscratch.step3.HttpSyntax;
import dev.httpfromscratch.step3.ParserLimits;
import dev.httpfromscratch.step3.RequestHead;
import dev.httpfromscratch.step3.RequestRejection;
import java.util.Locale;

/**
 * What the final server decides when the head of a request is complete, through the seam step 3
 * left for it ({@link BodyFraming}): the Host value is valid, and the body is framed by
 * Content-Length ({@link GrowingBody}) or by the chunked transfer coding (RFC 9112 §6.1, §6.3).
 *
 * <p>Step 3's parser has already refused Content-Length together with Transfer-Encoding (the
 * classic smuggling pair). What is left for Transfer-Encoding:
 * <ul>
 *   <li>{@code chunked} alone: a {@link ChunkedBody} reads it;</li>
 *   <li>a list that does not END in chunked ({@code chunked, gzip}, {@code gzip}): nobody can
 *       tell where the body ends, so 400 and close (§6.3 rule 4);</li>
 *   <li>chunked twice, or an empty value: 400 (§6.1: a sender never applies chunked twice);</li>
 *   <li>another coding before chunked ({@code gzip, chunked}): framed correctly, but this server
 *       does not decode gzip, so 501 (§6.1);</li>
 *   <li>any Transfer-Encoding in an HTTP/1.0 request: 400 (§6.1: HTTP/1.0 has no transfer
 *       codings, so a proxy in front may have framed it differently).</li>
 * </ul>
 */
final class RequestFraming implements BodyFraming {
    /** The connection's share of the body budget: both decoders grow with the bytes received and charge it. */
    private final BodyBudget.Account budget;
    /**
     * The Host value this connection's last request passed with: a keep-alive client sends the
     * same one every time, and comparing it (one vectorized equals) costs less than checking it
     * character by character again.
     */
    private String checkedHost;

    RequestFraming(BodyBudget.Account budget) {
        this.budget = budget;
    }

    @Override
    public BodyDecoder decoderFor(RequestHead head, ParserLimits limits) throws RequestRejection {
        String host = head.headers().get("Host");
        if (host != null && !host.equals(checkedHost)) {
            HostField.check(host);
            checkedHost = host;
        }
        if (!head.headers().contains("Transfer-Encoding")) {
            return GrowingBody.forLength(head.contentLength(), limits, budget); // the usual case: no list, nothing allocated yet
        }
        if (head.version().equals(RequestHead.HTTP_1_0)) {
            throw new RequestRejection(400, "An HTTP/1.0 request cannot use Transfer-Encoding (RFC 9112 §6.1).");
        }
        int codings = 0;
        boolean chunkedLast = false;
        for (String field : head.headers().all("Transfer-Encoding")) {
            for (String element : field.split(",")) {
                String coding = element.strip().toLowerCase(Locale.ROOT);
                if (coding.isEmpty()) {
                    continue; // empty list elements are allowed and mean nothing (RFC 9110 §5.6.1)
                }
                if (chunkedLast) {
                    throw new RequestRejection(400, "Transfer-Encoding must end with chunked, and name it once (RFC 9112 §6.1).");
                }
                codings++;
                chunkedLast = coding.equals("chunked");
            }
        }
        if (!chunkedLast) {
            throw new RequestRejection(400, "Transfer-Encoding does not end with chunked, so the end of the body cannot be found (RFC 9112 §6.3).");
        }
        if (codings > 1) {
            throw new RequestRejection(501, "Only the chunked transfer coding is supported, not \"" + HttpSyntax.shorten(head.headers().get("Transfer-Encoding")) + "\".");
        }
        return new ChunkedBody(limits, budget);
    }
}
