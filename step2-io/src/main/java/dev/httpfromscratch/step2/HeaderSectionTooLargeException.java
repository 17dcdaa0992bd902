package dev.httpfromscratch.step2;

import java.io.IOException;

/**
 * The client sent more than {@link RequestReader#MAX_HEADER_SECTION_BYTES} without ending its
 * header section: the server stops reading (memory per connection stays bounded) and answers 431.
 */
public final class HeaderSectionTooLargeException extends IOException {
    public HeaderSectionTooLargeException(int bytesRead) {
        super("no end of the header section (\\r\\n\\r\\n) in the first " + bytesRead + " bytes (limit "
                + RequestReader.MAX_HEADER_SECTION_BYTES + ")");
    }
}
