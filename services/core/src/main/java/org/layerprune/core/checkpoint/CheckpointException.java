package org.layerprune.core.checkpoint;

/**
 * A checkpoint on disk is unreadable, malformed or inconsistent, or could not be written.
 *
 * <p>Unchecked on purpose: no caller can repair a bad checkpoint locally, the failure only travels up to become a
 * failed stage, and a checked exception would get in the way of lambdas and streams on the way. The message always
 * starts with the file or directory at fault and names the tensor where one is, so that it can be reported as is.
 */
public class CheckpointException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public CheckpointException(String message) {
        super(message);
    }

    public CheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
