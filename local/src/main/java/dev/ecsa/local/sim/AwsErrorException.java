package dev.ecsa.local.sim;

/**
 * An error the simulator answers the way AWS does: HTTP status plus {@code {"__type": type, "message": ...}}.
 * Admin methods of {@link ControlPlaneSimulator} throw it too, with the same type the HTTP API would return.
 */
public final class AwsErrorException extends RuntimeException {

    private final int status;
    private final String type;

    public AwsErrorException(int status, String type, String message) {
        super(message);
        this.status = status;
        this.type = type;
    }

    static AwsErrorException client(String type, String message) {
        return new AwsErrorException(400, type, message);
    }

    public int status() {
        return status;
    }

    /** The AWS error shape name, for example {@code InvalidActivation} or {@code ClusterNotFoundException}. */
    public String type() {
        return type;
    }

    @Override
    public String toString() {
        return "AwsErrorException{" + status + " " + type + ": " + getMessage() + "}";
    }
}
