package dev.ecsa.local.sfn;

/** The definition is not valid Amazon States Language; the message lists asl-validator's findings. */
public final class InvalidDefinitionException extends IllegalArgumentException {

    private final String errors;

    public InvalidDefinitionException(String errors) {
        super("invalid state machine definition (asl-validator):\n" + errors);
        this.errors = errors;
    }

    /** asl-validator's findings, one per line. */
    public String errors() {
        return errors;
    }
}
