package dev.ecsa.it.flow;

/**
 * The function's process dying mid-run: an {@link Error}, so neither the use case nor the handler catches it (they
 * handle exceptions), and the message is settled as Lambda settles an invocation that never returned — not at all, so
 * it comes back.
 */
public final class SimulatedCrash extends Error {

    public SimulatedCrash(String where) {
        super("simulated crash at " + where, null, false, false);
    }
}
