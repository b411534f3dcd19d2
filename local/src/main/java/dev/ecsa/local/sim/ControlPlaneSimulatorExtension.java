package dev.ecsa.local.sim;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension that runs one {@link ControlPlaneSimulator} per test class on a free loopback port.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final ControlPlaneSimulatorExtension SIM = new ControlPlaneSimulatorExtension(
 *         SimulatorConfig.defaults().withClock(clock));
 * ... SIM.simulator().endpoint() ...
 * }</pre>
 * or {@code @ExtendWith(ControlPlaneSimulatorExtension.class)} with a {@code ControlPlaneSimulator} parameter
 * in test methods, constructors or lifecycle methods. Register it on a static field: the simulator lives from
 * before-all to after-all.
 */
public final class ControlPlaneSimulatorExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {

    private final SimulatorConfig config;
    private ControlPlaneSimulator simulator;

    public ControlPlaneSimulatorExtension() {
        this(SimulatorConfig.defaults());
    }

    public ControlPlaneSimulatorExtension(SimulatorConfig config) {
        this.config = config;
    }

    /** The running simulator (between before-all and after-all). */
    public ControlPlaneSimulator simulator() {
        if (simulator == null) {
            throw new IllegalStateException("the simulator runs only between beforeAll and afterAll");
        }
        return simulator;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        simulator = ControlPlaneSimulator.start(config);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (simulator != null) {
            simulator.close();
            simulator = null;
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == ControlPlaneSimulator.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return simulator();
    }
}
