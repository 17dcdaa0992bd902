package dev.httpfromscratch.step3;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code POST /api}: reads a JSON object and answers with the fields it received, as CerberusHTTP
 * printed each key and value of the body it parsed with simdjson.
 *
 * <pre>{@code
 * curl -X POST -H 'Content-Type: application/json' -d '{"hello":"world"}' localhost:8000/api
 * {"received":1,"fields":[{"name":"hello","value":"world"}]}
 * }</pre>
 *
 * <p>The body is untrusted input handed to a library, so the library gets limits too: a body of
 * 100 000 nested '[' would otherwise make a recursive parser overflow its stack, and one huge
 * number would cost quadratic time to convert. With {@link StreamReadConstraints} such a body is
 * a 400 like any other invalid JSON, never a 500 or a dead thread.
 *
 * <p>What the body limit already bounds gets no second limit here: a string cannot be longer
 * than the body, and a token takes at least one byte of it, so the server's limit on the body
 * (413 before a byte is parsed) bounds both. A token or string limit of its own could only refuse
 * valid documents that the configured body limit allows (a 900 KiB array holds 460,000 tokens).
 */
public final class JsonApiHandler implements Handler {

    /** Deep enough for any sensible document, far from what a thread stack can hold. */
    public static final int MAX_NESTING_DEPTH = 64;

    static final JsonMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxNestingDepth(MAX_NESTING_DEPTH)
                            .maxNumberLength(100)
                            .maxNameLength(1_000)
                            .maxStringLength(Integer.MAX_VALUE) // bounded by the body limit
                            .maxTokenCount(-1) // none of its own: bounded by the body limit
                            .build())
                    // {"a":1,"a":2} is two different objects to two different readers: refuse it.
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    .build())
            .build();

    @Override
    public HttpResponse handle(HttpRequest request) {
        // BEGIN SOLUTION
        // STUB: throw new UnsupportedOperationException("Step 3: answer a JSON object with the fields it holds, and anything else with the right 4xx (docs/03-parsing.md, 'Code: JsonApiHandler.handle')");
        String contentType = request.header("Content-Type");
        if (!isJson(contentType)) {
            return error(415, contentType == null ? "Send the body with Content-Type: application/json."
                    : "Content-Type " + HttpSyntax.shorten(contentType) + " is not application/json.", null);
        }
        if (!isUtf8(request.body())) {
            return error(400, "invalid JSON: the body is not well-formed UTF-8 (RFC 8259 §8.1).", null);
        }
        JsonNode document;
        try {
            document = MAPPER.readTree(request.body());
        } catch (JacksonException invalid) {
            return error(400, "invalid JSON: " + firstSentence(invalid.getOriginalMessage()), invalid.getLocation());
        }
        if (document == null || document.isMissingNode()) {
            return error(400, "The body is empty; send a JSON object such as {\"hello\":\"world\"}.", null);
        }
        if (!document.isObject()) {
            return error(400, "The body is JSON but not an object; send an object such as {\"hello\":\"world\"}.", null);
        }
        ObjectNode answer = MAPPER.createObjectNode();
        answer.put("received", document.size());
        ArrayNode fields = answer.putArray("fields");
        for (Map.Entry<String, JsonNode> field : document.properties()) {
            fields.addObject().put("name", field.getKey()).set("value", field.getValue());
        }
        return HttpResponse.json(200, MAPPER.writeValueAsString(answer));
        // END SOLUTION
    }

    /**
     * True when {@code body} is well-formed UTF-8 (RFC 3629). Jackson's byte parser decodes an
     * overlong form such as C0 AF to '/' instead of refusing it, and that is how "..%c0%af" once
     * walked past path filters: a check that looked for "/" saw two odd bytes, the decoder behind
     * it saw a slash. The JDK's decoder refuses overlong forms, encoded surrogates and truncated
     * sequences; it runs once over at most the body limit, before Jackson sees a byte.
     */
    static boolean isUtf8(byte[] body) {
        for (byte b : body) {
            if (b < 0) {
                try {
                    StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                            .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body));
                    return true;
                } catch (CharacterCodingException invalid) {
                    return false;
                }
            }
        }
        return true; // pure ASCII, the usual case: no decoder, no copy
    }

    /** True for "application/json", whatever its case and parameters ("; charset=utf-8"). */
    static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        int semicolon = contentType.indexOf(';');
        String mediaType = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).strip();
        return mediaType.toLowerCase(Locale.ROOT).equals("application/json");
    }

    /**
     * Jackson's message without the parenthesised source description it appends (line and column
     * say where), and without the name of the setting behind a limit: "Number value length (1000)
     * exceeds the maximum allowed (100)" names the limit; the library's method name means nothing
     * to a client.
     */
    static String firstSentence(String message) {
        if (message == null) {
            return "unreadable body";
        }
        int cut = message.indexOf(" (start marker at");
        String first = cut < 0 ? message : message.substring(0, cut);
        int setting = first.indexOf(", from `");
        if (setting >= 0) {
            int end = first.indexOf("`)", setting);
            first = first.substring(0, setting) + (end < 0 ? ")" : first.substring(end + 1));
        }
        int newline = first.indexOf('\n');
        return newline < 0 ? first : first.substring(0, newline);
    }

    /** {"error": ..., "status": ..., "line": ..., "column": ...}: where in the body the problem is. */
    static HttpResponse error(int status, String message, TokenStreamLocation where) {
        ObjectNode error = MAPPER.createObjectNode();
        error.put("status", status);
        error.put("error", message);
        if (where != null && where.getLineNr() > 0) {
            error.put("line", where.getLineNr());
            error.put("column", where.getColumnNr());
        }
        return HttpResponse.json(status, MAPPER.writeValueAsString(error));
    }
}
