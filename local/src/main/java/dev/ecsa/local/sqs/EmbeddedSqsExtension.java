package dev.ecsa.local.sqs;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension that gives tests one {@link EmbeddedSqs} shared by every test class of the run.
 *
 * <p>The server lives in the root {@link ExtensionContext.Store}, so it starts on first use and JUnit closes
 * it (it is {@link AutoCloseable}) when the whole run ends: many test classes, one ElasticMQ. Tests share
 * the server, not queues: each test creates queues under its own names.
 *
 * <p>Resolves parameters of type {@link EmbeddedSqs} in constructors, lifecycle methods and test methods (not
 * a bare endpoint {@code URI}, which would clash with other bench extensions in the same test):
 * <pre>{@code
 * @ExtendWith(EmbeddedSqsExtension.class)
 * class MyIT {
 *     @Test void sends(EmbeddedSqs sqs) { ... sqs.endpoint() ... }
 * }
 * }</pre>
 */
public final class EmbeddedSqsExtension implements ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(EmbeddedSqsExtension.class);

    /** The shared server, started on first call. */
    public static EmbeddedSqs server(ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent(EmbeddedSqs.class, type -> EmbeddedSqs.start(), EmbeddedSqs.class);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == EmbeddedSqs.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return server(context);
    }
}
