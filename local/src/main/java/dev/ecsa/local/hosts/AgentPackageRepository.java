package dev.ecsa.local.hosts;

import dev.ecsa.local.sim.ControlPlaneSimulator;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The bench's stand-in for AWS's signed agent package buckets: the simulator serves bench package files (text the
 * hosts' package-manager shim understands: {@code ecsa-sim-package}, {@code Package:}, {@code Version:}) with detached
 * signatures by the bench's signing key, under the same paths as AWS's regional buckets:
 *
 * <ul>
 * <li>{@code amazon-ecs-agent-<region>/amazon-ecs-init-<version>-1.<amd64|arm64>.deb} and
 *     {@code …-1.<x86_64|aarch64>.rpm}, each with {@code .asc};</li>
 * <li>{@code amazon-ssm-<region>/<version>/<debian|linux>_<amd64|arm64>/amazon-ssm-agent.<deb|rpm>}, each with
 *     {@code .sig}.</li>
 * </ul>
 *
 * <p>Faults: a version can be withdrawn (404, as a version AWS never published) or tampered with (the package no longer
 * matches its signature, as a corrupted or substituted download).
 */
public final class AgentPackageRepository {

    /** What the repository holds packages of. */
    public enum Component {
        ECS_INIT("amazon-ecs-init"),
        SSM_AGENT("amazon-ssm-agent");

        private final String packageName;

        Component(String packageName) {
            this.packageName = packageName;
        }

        public String packageName() {
            return packageName;
        }
    }

    /** The ECS agent (ecs-init) version the install stand-in installs. */
    public static final String INSTALLED_ECS_VERSION = "1.82.0";
    /** The SSM agent version the install stand-in installs. */
    public static final String INSTALLED_SSM_VERSION = "3.3.1142.0";
    /** A newer ECS agent version the repository also holds: an upgrade's target. */
    public static final String NEWER_ECS_VERSION = "1.90.0";
    /** A newer SSM agent version the repository also holds. */
    public static final String NEWER_SSM_VERSION = "3.3.1957.0";

    private final ControlPlaneSimulator simulator;
    private final ThrowawayGpgKey signingKey;
    private final String region;

    public AgentPackageRepository(ControlPlaneSimulator simulator, ThrowawayGpgKey signingKey, String region) {
        this.simulator = Objects.requireNonNull(simulator, "simulator");
        this.signingKey = Objects.requireNonNull(signingKey, "signingKey");
        this.region = Objects.requireNonNull(region, "region");
    }

    /** A repository holding the installed and the newer version of both agents. */
    public static AgentPackageRepository withDefaults(ControlPlaneSimulator simulator, ThrowawayGpgKey signingKey,
                                                      String region) {
        AgentPackageRepository repo = new AgentPackageRepository(simulator, signingKey, region);
        repo.publish(Component.ECS_INIT, INSTALLED_ECS_VERSION);
        repo.publish(Component.ECS_INIT, NEWER_ECS_VERSION);
        repo.publish(Component.SSM_AGENT, INSTALLED_SSM_VERSION);
        repo.publish(Component.SSM_AGENT, NEWER_SSM_VERSION);
        return repo;
    }

    /** Publishes every architecture and package format of one version, signed. */
    public void publish(Component component, String version) {
        for (Artifact a : artifacts(component, version)) {
            byte[] pkg = packageFile(component, version, a.arch());
            simulator.serveFile(a.path(), pkg);
            simulator.serveFile(a.path() + a.signatureSuffix(), signingKey.detachSign(pkg));
        }
    }

    /** Withdraws one version: every download of it answers 404. */
    public void withdraw(Component component, String version) {
        for (Artifact a : artifacts(component, version)) {
            simulator.withdrawFile(a.path());
            simulator.withdrawFile(a.path() + a.signatureSuffix());
        }
    }

    /** Serves one version with bytes its signature does not cover (a corrupted or substituted package). */
    public void tamper(Component component, String version) {
        for (Artifact a : artifacts(component, version)) {
            byte[] pkg = packageFile(component, version, a.arch());
            simulator.serveFile(a.path(), (new String(pkg, StandardCharsets.US_ASCII) + "Tampered: yes\n")
                    .getBytes(StandardCharsets.US_ASCII));
        }
    }

    /** The package file's text, as the shim reads it. */
    static byte[] packageFile(Component component, String version, String arch) {
        return ("ecsa-sim-package\nPackage: " + component.packageName() + "\nVersion: " + version
                + "-1\nArchitecture: " + arch + "\n").getBytes(StandardCharsets.US_ASCII);
    }

    private record Artifact(String path, String arch, String signatureSuffix) {
    }

    private List<Artifact> artifacts(Component component, String version) {
        List<Artifact> out = new ArrayList<>();
        for (String[] arch : new String[][]{{"amd64", "x86_64"}, {"arm64", "aarch64"}}) {
            if (component == Component.ECS_INIT) {
                String dir = "amazon-ecs-agent-" + region + "/amazon-ecs-init-" + version + "-1.";
                out.add(new Artifact(dir + arch[0] + ".deb", arch[0], ".asc"));
                out.add(new Artifact(dir + arch[1] + ".rpm", arch[1], ".asc"));
            } else {
                String dir = "amazon-ssm-" + region + "/" + version + "/";
                out.add(new Artifact(dir + "debian_" + arch[0] + "/amazon-ssm-agent.deb", arch[0], ".sig"));
                out.add(new Artifact(dir + "linux_" + arch[0] + "/amazon-ssm-agent.rpm", arch[1], ".sig"));
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return "AgentPackageRepository[" + region.toLowerCase(Locale.ROOT) + "]";
    }
}
