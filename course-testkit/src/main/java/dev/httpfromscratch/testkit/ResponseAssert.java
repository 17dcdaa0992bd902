package dev.httpfromscratch.testkit;

import java.util.Arrays;
import org.assertj.core.api.AbstractAssert;

/**
 * AssertJ assertions on a {@link RawResponse} whose failure messages show the student the whole
 * conversation: what the test sent, what came back, and what was expected.
 *
 * <pre>{@code assertThatResponse(response).hasStatus(200).hasHeader("Content-Length", "2").hasBody("OK");}</pre>
 */
public final class ResponseAssert extends AbstractAssert<ResponseAssert, RawResponse> {

    private ResponseAssert(RawResponse actual) {
        super(actual, ResponseAssert.class);
    }

    public static ResponseAssert assertThatResponse(RawResponse response) {
        return new ResponseAssert(response);
    }

    public ResponseAssert hasStatus(int expected) {
        isNotNull();
        if (actual.status() != expected) {
            failWithMessage("Expected status %d but the status line was \"%s\".%n%s", expected, actual.statusLine(), actual.transcript());
        }
        return this;
    }

    public ResponseAssert hasStatusLine(String expected) {
        isNotNull();
        if (!actual.statusLine().equals(expected)) {
            failWithMessage("Expected the status line \"%s\" but got \"%s\".%n%s", expected, actual.statusLine(), actual.transcript());
        }
        return this;
    }

    public ResponseAssert hasHeader(String name, String expectedValue) {
        isNotNull();
        String value = actual.header(name).orElse(null);
        if (value == null) {
            failWithMessage("Expected a \"%s: %s\" header field, but the response has no %s field.%n%s",
                    name, expectedValue, name, actual.transcript());
        } else if (!value.equals(expectedValue)) {
            failWithMessage("Expected \"%s: %s\" but the response says \"%s: %s\".%n%s",
                    name, expectedValue, name, value, actual.transcript());
        }
        return this;
    }

    public ResponseAssert hasHeader(String name) {
        isNotNull();
        if (actual.header(name).isEmpty()) {
            failWithMessage("Expected a %s header field in the response.%n%s", name, actual.transcript());
        }
        return this;
    }

    public ResponseAssert doesNotHaveHeader(String name) {
        isNotNull();
        if (actual.header(name).isPresent()) {
            failWithMessage("Expected no %s header field in the response.%n%s", name, actual.transcript());
        }
        return this;
    }

    public ResponseAssert hasBody(String expected) {
        isNotNull();
        if (!actual.bodyText().equals(expected)) {
            failWithMessage("Expected the body \"%s\" but got \"%s\".%n%s", expected, actual.bodyText(), actual.transcript());
        }
        return this;
    }

    public ResponseAssert hasBodyContaining(String fragment) {
        isNotNull();
        if (!actual.bodyText().contains(fragment)) {
            failWithMessage("Expected the body to contain \"%s\".%n%s", fragment, actual.transcript());
        }
        return this;
    }

    public ResponseAssert hasEmptyBody() {
        isNotNull();
        if (actual.body().length != 0) {
            failWithMessage("Expected no body, but %d body bytes came.%n%s", actual.body().length, actual.transcript());
        }
        return this;
    }

    /** The response, byte for byte. */
    public ResponseAssert isExactly(byte[] expected) {
        isNotNull();
        if (!Arrays.equals(actual.raw(), expected)) {
            failWithMessage("Expected exactly these bytes:%n%s%n%s", Bytes.block(expected), actual.transcript());
        }
        return this;
    }
}
