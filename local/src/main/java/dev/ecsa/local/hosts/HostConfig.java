package dev.ecsa.local.hosts;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What a simulated on-prem host looks like to the scripts that run on it. See HOSTS.md next to this class
 * for how each knob shows inside the sandbox.
 *
 * @param name                   host name (also the sandbox's {@code hostname}); letters, digits, dashes
 * @param distro                 reported distribution and package managers
 * @param arch                   what {@code uname -m} prints ({@code x86_64}, {@code aarch64}, {@code armv7l}…)
 * @param systemd                whether {@code /run/systemd/system} exists and {@code systemctl} works
 * @param passwordlessSudo       whether {@code sudo -n} works (else "sudo: a password is required", exit 1)
 * @param memoryCgroup           whether {@code /sys/fs/cgroup/cgroup.controllers} lists {@code memory}
 * @param freeDiskKb             free space {@code df -Pk <path>} reports, in KiB
 * @param dockerInstalled        whether a (fake) docker package is installed at first start
 * @param awsCredentialsFile     whether {@code /root/.aws/credentials} exists, not written by SSM
 * @param awsKeyInEtcEnvironment whether {@code /etc/environment} sets {@code AWS_ACCESS_KEY_ID}
 * @param existingInstanceId     an {@code mi-…} the SSM vault already holds, or null
 * @param imdsAnswering          whether {@code curl http://169.254.169.254/…} answers (else exit 7)
 * @param agentNeverRegisters    whether the fake ECS agent never obtains a container instance ARN
 * @param selinuxEnforcing       whether {@code getenforce} reports Enforcing
 */
public record HostConfig(
        String name,
        Distro distro,
        String arch,
        boolean systemd,
        boolean passwordlessSudo,
        boolean memoryCgroup,
        long freeDiskKb,
        boolean dockerInstalled,
        boolean awsCredentialsFile,
        boolean awsKeyInEtcEnvironment,
        String existingInstanceId,
        boolean imdsAnswering,
        boolean agentNeverRegisters,
        boolean selinuxEnforcing) {

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    private static final Pattern INSTANCE_ID = Pattern.compile("mi-[0-9a-f]{17}");
    private static final Pattern ARCH = Pattern.compile("[A-Za-z0-9_]{1,32}");

    public HostConfig {
        Objects.requireNonNull(distro, "distro");
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("host name must match " + NAME + ": " + name);
        }
        if (arch == null || !ARCH.matcher(arch).matches()) {
            throw new IllegalArgumentException("bad arch: " + arch);
        }
        if (existingInstanceId != null && !INSTANCE_ID.matcher(existingInstanceId).matches()) {
            throw new IllegalArgumentException("existingInstanceId must look like mi-<17 hex>: " + existingInstanceId);
        }
        if (freeDiskKb < 0) {
            throw new IllegalArgumentException("freeDiskKb must not be negative");
        }
    }

    /** A builder starting from a healthy Ubuntu 22.04 x86_64 host with systemd and passwordless sudo. */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** The shell-sourceable {@code /run/ecsa-sim/host.conf} the shims read. */
    String hostConf() {
        return "SIM_HOSTNAME=" + name + "\n"
                + "SIM_DISTRO=" + distro.id() + "\n"
                + "SIM_PKG_FAMILY=" + distro.packageFamily() + "\n"
                + "SIM_ARCH=" + arch + "\n"
                + "SIM_SYSTEMD=" + flag(systemd) + "\n"
                + "SIM_SUDO=" + (passwordlessSudo ? "passwordless" : "password") + "\n"
                + "SIM_MEMORY_CGROUP=" + flag(memoryCgroup) + "\n"
                + "SIM_FREE_DISK_KB=" + freeDiskKb + "\n"
                + "SIM_DOCKER=" + flag(dockerInstalled) + "\n"
                + "SIM_AWS_CREDENTIALS_FILE=" + flag(awsCredentialsFile) + "\n"
                + "SIM_AWS_KEY_IN_ETC_ENVIRONMENT=" + flag(awsKeyInEtcEnvironment) + "\n"
                + "SIM_EXISTING_INSTANCE_ID=" + (existingInstanceId == null ? "" : existingInstanceId) + "\n"
                + "SIM_EXISTING_REGION=us-east-1\n"
                + "SIM_IMDS=" + flag(imdsAnswering) + "\n"
                + "SIM_AGENT_NEVER_REGISTERS=" + flag(agentNeverRegisters) + "\n"
                + "SIM_SELINUX_ENFORCING=" + flag(selinuxEnforcing) + "\n";
    }

    private static String flag(boolean b) {
        return b ? "1" : "0";
    }

    /** Builder with the defaults of a healthy, supported host. */
    public static final class Builder {
        private final String name;
        private Distro distro = Distro.UBUNTU_22_04;
        private String arch = "x86_64";
        private boolean systemd = true;
        private boolean passwordlessSudo = true;
        private boolean memoryCgroup = true;
        private long freeDiskKb = 50L * 1024 * 1024;
        private boolean dockerInstalled;
        private boolean awsCredentialsFile;
        private boolean awsKeyInEtcEnvironment;
        private String existingInstanceId;
        private boolean imdsAnswering;
        private boolean agentNeverRegisters;
        private boolean selinuxEnforcing;

        private Builder(String name) {
            this.name = name;
        }

        public Builder distro(Distro v) { this.distro = v; return this; }
        public Builder arch(String v) { this.arch = v; return this; }
        public Builder systemd(boolean v) { this.systemd = v; return this; }
        public Builder passwordlessSudo(boolean v) { this.passwordlessSudo = v; return this; }
        public Builder memoryCgroup(boolean v) { this.memoryCgroup = v; return this; }
        public Builder freeDiskKb(long v) { this.freeDiskKb = v; return this; }
        public Builder dockerInstalled(boolean v) { this.dockerInstalled = v; return this; }
        public Builder awsCredentialsFile(boolean v) { this.awsCredentialsFile = v; return this; }
        public Builder awsKeyInEtcEnvironment(boolean v) { this.awsKeyInEtcEnvironment = v; return this; }
        public Builder existingInstanceId(String v) { this.existingInstanceId = v; return this; }
        public Builder imdsAnswering(boolean v) { this.imdsAnswering = v; return this; }
        public Builder agentNeverRegisters(boolean v) { this.agentNeverRegisters = v; return this; }
        public Builder selinuxEnforcing(boolean v) { this.selinuxEnforcing = v; return this; }

        public HostConfig build() {
            return new HostConfig(name, distro, arch, systemd, passwordlessSudo, memoryCgroup, freeDiskKb,
                    dockerInstalled, awsCredentialsFile, awsKeyInEtcEnvironment, existingInstanceId, imdsAnswering,
                    agentNeverRegisters, selinuxEnforcing);
        }
    }
}
