package dev.ecsa.core.register;

import dev.ecsa.core.error.NodeOperationException;
import dev.ecsa.core.error.Reason;
import dev.ecsa.core.error.RetryableException;
import dev.ecsa.core.fakes.InMemoryContainerInstances;
import dev.ecsa.core.fakes.InMemoryHybridActivations;
import dev.ecsa.core.fakes.InMemoryRemoteHost;
import dev.ecsa.core.fakes.MutableClock;
import dev.ecsa.core.port.ContainerInstance;
import dev.ecsa.core.port.ManagedInstance;
import dev.ecsa.core.port.ScriptRun;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;

/**
 * What a host does with the fake bootstrap: registers with SSM through the activation (as the install script would),
 * then joins ECS, and reports; or fails the way a test asks. It remembers its registration, so a second run reports
 * ALREADY_REGISTERED with the existing ids, as the real pre-flight does.
 */
final class BootstrapHost implements Function<ScriptRun, InMemoryRemoteHost.Reply> {

    private final InMemoryHybridActivations activations;
    private final InMemoryContainerInstances containers;
    private final MutableClock clock;

    String managedInstanceId;
    String containerInstanceArn;
    int bootstraps;

    /** Host-side failure to report: {@code step:REASON:code}, e.g. {@code preflight:PREFLIGHT_FAILED:NO_SYSTEMD}. */
    String failure;
    /** Print nothing parseable. */
    boolean garbage;
    /** Report a managed instance id other than the real one. */
    boolean wrongManagedInstanceId;
    /** Join ECS without ECS reporting the managed instance id as the instance's ec2InstanceId. */
    boolean ecsWithoutManagedInstanceId;
    /** Register with SSM but never join ECS (while reporting success). */
    boolean skipEcs;
    /** Echo the activation code in everything it prints (a host that does not scrub). */
    boolean leakCode;
    /** How long a run takes. */
    Duration runTime = Duration.ofSeconds(90);
    /** Run past the command timeout (the adapter then reports TIMED_OUT). */
    boolean hang;

    BootstrapHost(InMemoryHybridActivations activations, InMemoryContainerInstances containers, MutableClock clock) {
        this.activations = activations;
        this.containers = containers;
        this.clock = clock;
    }

    @Override
    public InMemoryRemoteHost.Reply apply(ScriptRun run) {
        bootstraps++;
        Map<String, String> v = FakeBootstrapScripts.values(run.script());
        String code = v.get("ACTIVATION_CODE");
        if (hang) {
            clock.advance(run.commandTimeout());
            throw new RetryableException(Reason.TIMED_OUT, "the command ran past " + run.commandTimeout());
        }
        clock.advance(runTime);
        String leak = leakCode ? " code " + code : "";
        if (garbage) {
            return new InMemoryRemoteHost.Reply(1, "motd" + leak, "bash: syntax error" + leak);
        }
        if (managedInstanceId != null) {
            return reply(3, "ok=false|step=preflight|reason=PREFLIGHT_FAILED|code=ALREADY_REGISTERED|message=already "
                    + "registered" + leak + "|mi=" + managedInstanceId + "|arn=" + nz(containerInstanceArn)
                    + "|findings=ALREADY_REGISTERED", leak);
        }
        if (failure != null) {
            String[] f = failure.split(":");
            return reply(3, "ok=false|step=" + f[0] + "|reason=" + f[1] + "|code=" + f[2] + "|message=" + f[2]
                    + " happened" + leak + "|tail=last lines of the install" + leak
                    + (f[0].equals("preflight") ? "|findings=" + f[2] : ""), leak);
        }
        ManagedInstance mi;
        try {
            mi = activations.registerHost(v.get("ACTIVATION_ID"), code, run.target().address());
        } catch (NodeOperationException e) {
            return reply(3, "ok=false|step=install|reason=ACTIVATION_INVALID|code=INSTALL_FAILED|message=ssm "
                    + "registration failed" + leak + "|tail=ActivationExpired" + leak, leak);
        }
        managedInstanceId = mi.instanceId();
        String arn;
        if (skipEcs) {
            arn = "arn:aws:ecs:eu-west-1:123456789012:container-instance/" + v.get("CLUSTER") + "/none";
        } else {
            ContainerInstance ci = containers.register(v.get("CLUSTER"),
                    ecsWithoutManagedInstanceId ? null : mi.instanceId(),
                    Map.of("ecsa.nodeId", v.get("NODE_ID")));
            arn = ci.arn();
            containerInstanceArn = arn;
        }
        String reportedMi = wrongManagedInstanceId ? "mi-0123456789abcdef0" : mi.instanceId();
        return reply(0, "ok=true|mi=" + reportedMi + "|arn=" + arn + "|cluster=" + v.get("CLUSTER")
                + "|ssm=3.3.0.0|ecs=Amazon ECS Agent - v1.90.0 (0a1b2c3d)", leak); // as the agent introspects itself
    }

    private static InMemoryRemoteHost.Reply reply(int exit, String fields, String leak) {
        return new InMemoryRemoteHost.Reply(exit, "some noise\nRESULT " + fields + "\n", "progress" + leak);
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
