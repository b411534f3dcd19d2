package dev.ecsa.local.hosts;

/**
 * The Linux distribution a simulated host reports through {@code /etc/os-release}, and the package manager
 * family its shims provide. The real install script names ubuntu, debian, fedora, centos, rhel and Amazon Linux 2;
 * {@link #AMAZON_LINUX_2023} and {@link #SLES_15} run its unnamed-distribution path (dnf and zypper), and
 * {@link #ROCKY_9} exercises the pre-flight's "unsupported distribution" refusal.
 */
public enum Distro {
    UBUNTU_22_04("ubuntu", "22.04", "Ubuntu", "Ubuntu 22.04.4 LTS", "debian", "apt"),
    DEBIAN_12("debian", "12", "Debian GNU/Linux", "Debian GNU/Linux 12 (bookworm)", "", "apt"),
    RHEL_9("rhel", "9.4", "Red Hat Enterprise Linux", "Red Hat Enterprise Linux 9.4 (Plow)", "fedora", "dnf"),
    CENTOS_7("centos", "7", "CentOS Linux", "CentOS Linux 7 (Core)", "rhel fedora", "yum"),
    AMAZON_LINUX_2("amzn", "2", "Amazon Linux", "Amazon Linux 2", "centos rhel fedora", "yum"),
    AMAZON_LINUX_2023("amzn", "2023", "Amazon Linux", "Amazon Linux 2023.6.20241212", "fedora", "dnf"),
    SLES_15("sles", "15-SP5", "SLES", "SUSE Linux Enterprise Server 15 SP5", "suse", "zypper"),
    ROCKY_9("rocky", "9.3", "Rocky Linux", "Rocky Linux 9.3 (Blue Onyx)", "rhel centos fedora", "dnf");

    private final String id;
    private final String versionId;
    private final String name;
    private final String prettyName;
    private final String idLike;
    private final String packageManager;

    Distro(String id, String versionId, String name, String prettyName, String idLike, String packageManager) {
        this.id = id;
        this.versionId = versionId;
        this.name = name;
        this.prettyName = prettyName;
        this.idLike = idLike;
        this.packageManager = packageManager;
    }

    /** The os-release {@code ID}. */
    public String id() {
        return id;
    }

    /** The os-release {@code VERSION_ID}. */
    public String versionId() {
        return versionId;
    }

    /** {@code apt}, {@code dnf}, {@code yum} or {@code zypper}. */
    public String packageManager() {
        return packageManager;
    }

    /** Package manager family used by the provisioning script: apt, yum (dnf and yum hosts) or zypper. */
    String packageFamily() {
        return switch (packageManager) {
            case "apt" -> "apt";
            case "zypper" -> "zypper";
            default -> "yum";
        };
    }

    /** Names of the package-manager shims this distro has (all point at the same shim script). */
    java.util.List<String> packageShims() {
        return switch (this) {
            case UBUNTU_22_04 -> java.util.List.of("apt", "apt-get", "dpkg", "dpkg-query", "snap");
            case DEBIAN_12 -> java.util.List.of("apt", "apt-get", "dpkg", "dpkg-query");
            case RHEL_9, ROCKY_9, AMAZON_LINUX_2023 -> java.util.List.of("dnf", "yum", "rpm");
            case CENTOS_7, AMAZON_LINUX_2 -> java.util.List.of("yum", "rpm");
            case SLES_15 -> java.util.List.of("zypper", "rpm");
        };
    }

    /** The content of {@code /etc/os-release}. */
    String osRelease() {
        StringBuilder s = new StringBuilder()
                .append("NAME=\"").append(name).append("\"\n")
                .append("VERSION_ID=\"").append(versionId).append("\"\n")
                .append("ID=").append(id).append('\n')
                .append("PRETTY_NAME=\"").append(prettyName).append("\"\n");
        if (!idLike.isEmpty()) {
            s.append("ID_LIKE=\"").append(idLike).append("\"\n");
        }
        return s.toString();
    }
}
