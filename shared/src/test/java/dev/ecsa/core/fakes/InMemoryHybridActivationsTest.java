package dev.ecsa.core.fakes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ecsa.core.error.PermanentException;
import dev.ecsa.core.model.Activation;
import dev.ecsa.core.port.ActivationSpec;
import dev.ecsa.core.port.ManagedInstance;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InMemoryHybridActivationsTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T12:00:00Z"));
    private final InMemoryManagedInstances ssm = new InMemoryManagedInstances();
    private final InMemoryHybridActivations activations = new InMemoryHybridActivations(clock, ssm);
    private final ActivationSpec spec = new ActivationSpec("node-1", "req-1",
            clock.instant().plus(Duration.ofMinutes(30)), Map.of("team", "platform"));

    @Test
    void anActivationRegistersOneInstanceNamedAfterTheNode() {
        Activation a = activations.create(spec);
        assertThat(activations.findManagedInstance(a.activationId())).isEmpty();
        ManagedInstance mi = activations.registerHost(a.activationId(), a.code(), "10.0.0.5");
        assertThat(mi.instanceId()).matches("^mi-[0-9a-f]{17}$");
        assertThat(mi.name()).isEqualTo("node-1");
        assertThat(activations.findManagedInstance(a.activationId())).contains(mi);
        assertThatThrownBy(() -> activations.registerHost(a.activationId(), a.code(), "10.0.0.6"))
                .isInstanceOf(PermanentException.class).hasMessageContaining("ACTIVATION_INVALID");
        assertThat(ssm.all()).hasSize(1);
    }

    @Test
    void aWrongCodeOrAnExpiredOrDeletedActivationCannotRegister() {
        Activation a = activations.create(spec);
        assertThatThrownBy(() -> activations.registerHost(a.activationId(), "wrong", "10.0.0.5"))
                .isInstanceOf(PermanentException.class);
        Activation deleted = activations.create(spec);
        activations.delete(deleted.activationId());
        assertThatThrownBy(() -> activations.registerHost(deleted.activationId(), deleted.code(), "10.0.0.5"))
                .isInstanceOf(PermanentException.class);
        clock.advance(Duration.ofMinutes(30));
        assertThatThrownBy(() -> activations.registerHost(a.activationId(), a.code(), "10.0.0.5"))
                .isInstanceOf(PermanentException.class);
        assertThat(ssm.all()).isEmpty();
    }

    @Test
    void deletingIsIdempotentAndLeavesTheInstanceRegistered() {
        Activation a = activations.create(spec);
        ManagedInstance mi = activations.registerHost(a.activationId(), a.code(), "10.0.0.5");
        activations.delete(a.activationId());
        activations.delete(a.activationId());
        activations.delete("00000000-0000-0000-0000-000000000000");
        assertThat(activations.live()).isEmpty();
        assertThat(ssm.describe(mi.instanceId())).contains(mi);
    }

    @Test
    void everyCreateIsANewActivationWithItsOwnCode() {
        Activation a = activations.create(spec);
        Activation b = activations.create(spec);
        assertThat(a.activationId()).isNotEqualTo(b.activationId());
        assertThat(a.code()).isNotEqualTo(b.code());
        assertThat(activations.live()).hasSize(2);
    }

    @Test
    void managedInstanceDeregistrationIsIdempotent() {
        Activation a = activations.create(spec);
        ManagedInstance mi = activations.registerHost(a.activationId(), a.code(), "10.0.0.5");
        ssm.deregister(mi.instanceId());
        ssm.deregister(mi.instanceId());
        assertThat(ssm.describe(mi.instanceId())).isEmpty();
        assertThat(ssm.deregisteredIds()).containsExactly(mi.instanceId());
        assertThat(activations.findManagedInstance(a.activationId())).isEmpty();
    }
}
