package dev.ecsa.local.mode;

/**
 * The local mode's composition root for the functions that are wired by hand: it builds each function's dependency
 * record from the {@link LocalAdapters}, as the Lambda composition root does from AWS clients.
 */
final class StandardWiring {

    private StandardWiring() {
    }

    static LocalWiring wiring() {
        return LocalWiring.none();
    }
}
