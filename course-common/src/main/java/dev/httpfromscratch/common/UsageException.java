package dev.httpfromscratch.common;

/** A command line that cannot be understood; its message is one line meant for the user. */
public final class UsageException extends Exception {
    public UsageException(String message) {
        super(message);
    }
}
