package dev.ecsa.local.dynamo;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension that gives tests one {@link DynaliteServer} shared by every test class of the run.
 *
 * <p>The server lives in the root {@link ExtensionContext.Store}: it starts on first use and JUnit closes it
 * (it is {@link AutoCloseable}) when the whole run ends, so many test classes share one node process and the
 * JVM shutdown hook remains only a safety net. Tests share the database, so each uses its own table names.
 *
 * <p>Resolves parameters of type {@link DynaliteServer} in constructors, lifecycle methods and test methods:
 * <pre>{@code
 * @ExtendWith(DynaliteExtension.class)
 * class MyIT {
 *     @BeforeAll static void setUp(DynaliteServer dynamo) { ... dynamo.endpoint() ... }
 * }
 * }</pre>
 */
public final class DynaliteExtension implements ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(DynaliteExtension.class);

    /** The shared server, started on first call. */
    public static DynaliteServer server(ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent(DynaliteServer.class, type -> DynaliteServer.start(), DynaliteServer.class);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == DynaliteServer.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return server(context);
    }
}
