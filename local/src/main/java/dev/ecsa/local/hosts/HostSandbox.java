package dev.ecsa.local.hosts;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The private world of one simulated host: a mount (and UTS) namespace held open by a small process, in
 * which {@code /etc}, {@code /var} and {@code /usr} are overlays whose writes land in the host directory, and
 * {@code /root}, {@code /var/log}, {@code /run}, {@code /tmp}, {@code /sys/fs/cgroup}, {@code /usr/local/bin}
 * and {@code /usr/local/sbin} (the shims) are per-host directories. Commands enter it with {@code nsenter}, a
 * clean login-like environment and a real bash, so nothing they do reaches the machine's files.
 *
 * <p>The host directory survives {@link #close()}: starting a sandbox on the same directory again finds the
 * same files (a host "reboot"), except what a real reboot would also lose is kept too (/run is persisted).
 */
public final class HostSandbox implements AutoCloseable {

    private static final String RES = "/dev/ecsa/local/hosts/";
    private static final List<String> COMMON_SHIMS = List.of("systemctl", "sudo", "curl", "uname", "df");
    static final List<String> LOGIN_ENV = List.of(
            "HOME=/root", "USER=root", "LOGNAME=root", "SHELL=/bin/bash", "LANG=C.UTF-8",
            "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
    private static final boolean ROOT = "root".equals(System.getProperty("user.name"));

    private final Path dir;
    private final HostConfig config;
    private final Process holder;

    private HostSandbox(Path dir, HostConfig config, Process holder) {
        this.dir = dir;
        this.config = config;
        this.holder = holder;
    }

    /**
     * Starts (or restarts) the sandbox of a host whose state lives in {@code hostDir}. The first start
     * provisions the host from {@code config}; later starts keep what scripts changed.
     */
    public static HostSandbox start(Path hostDir, HostConfig config) {
        try {
            prepare(hostDir, config);
            List<String> cmd = new ArrayList<>(List.of("unshare"));
            cmd.addAll(ROOT ? List.of("--mount", "--uts") : List.of("--user", "--map-root-user", "--mount", "--uts"));
            cmd.addAll(List.of("--propagation", "private", "--", "/bin/bash",
                    hostDir.resolve("sandbox/init.sh").toString(), hostDir.toString()));
            Process p = new ProcessBuilder(cmd)
                    .redirectError(hostDir.resolve("sandbox/init.log").toFile())
                    .start();
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            if (!"READY".equals(line)) {
                p.destroy();
                p.waitFor(5, TimeUnit.SECONDS);
                throw new IllegalStateException("sandbox of host " + config.name() + " did not start: "
                        + Files.readString(hostDir.resolve("sandbox/init.log")));
            }
            Files.writeString(hostDir.resolve("sandbox/holder.pid"), Long.toString(p.pid()));
            return new HostSandbox(hostDir, config, p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the sandbox of host " + config.name(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static void prepare(Path h, HostConfig config) throws IOException {
        for (String d : List.of("sandbox", "fs/root", "fs/log", "fs/shims", "fs/localbin", "fs/cgroup", "fs/tmp",
                "run/ecsa-sim", "ov")) {
            Files.createDirectories(h.resolve(d));
        }
        Files.setPosixFilePermissions(h.resolve("fs/root"), PosixFilePermissions.fromString("rwx------"));
        Files.setPosixFilePermissions(h.resolve("fs/tmp"), PosixFilePermissions.fromString("rwxrwxrwx"));
        copy("sandbox/init.sh", h.resolve("sandbox/init.sh"));
        copy("sandbox/login.sh", h.resolve("run/ecsa-sim/login.sh"));
        copy("sandbox/provision.sh", h.resolve("run/ecsa-sim/provision.sh"));
        for (String shim : COMMON_SHIMS) {
            copy("shims/" + shim, h.resolve("fs/shims/" + shim));
        }
        for (String shim : config.distro().packageShims()) {
            copy("shims/pkg", h.resolve("fs/shims/" + shim));
        }
        Files.writeString(h.resolve("run/ecsa-sim/host.conf"), config.hostConf());
        Files.writeString(h.resolve("run/ecsa-sim/os-release"), config.distro().osRelease());
        // cgroup v2 style: the bootstrap checks `grep -qw memory /sys/fs/cgroup/cgroup.controllers`.
        Files.writeString(h.resolve("fs/cgroup/cgroup.controllers"),
                config.memoryCgroup() ? "cpuset cpu io memory hugetlb pids rdma misc\n" : "cpuset cpu io hugetlb pids rdma misc\n");
    }

    private static void copy(String resource, Path target) throws IOException {
        try (InputStream in = HostSandbox.class.getResourceAsStream(RES + resource)) {
            if (in == null) {
                throw new IOException("missing resource " + RES + resource);
            }
            Files.write(target, in.readAllBytes());
        }
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /** The host directory (state that outlives the sandbox process). */
    public Path dir() {
        return dir;
    }

    /** The configuration the host was provisioned with. */
    public HostConfig config() {
        return config;
    }

    /**
     * The command line that runs {@code command} (or an interactive-less shell when null) inside this
     * sandbox with a clean login environment; stdin, stdout and stderr pass straight through.
     */
    public List<String> enterCommand(String command) {
        List<String> cmd = new ArrayList<>(List.of("nsenter", "-t", Long.toString(holder.pid())));
        cmd.addAll(ROOT ? List.of("-m", "-u") : List.of("-U", "-m", "-u", "--preserve-credentials"));
        cmd.addAll(List.of("--", "/usr/bin/env", "-i"));
        cmd.addAll(LOGIN_ENV);
        cmd.addAll(List.of("/bin/bash", "/run/ecsa-sim/login.sh"));
        if (command != null) {
            cmd.add(command);
        }
        return cmd;
    }

    /** Shell text of {@link #enterCommand} without the command, for wrappers such as sshd's ForceCommand. */
    String enterPrefixForShell() {
        StringBuilder s = new StringBuilder("nsenter -t \"$(cat '" + dir.resolve("sandbox/holder.pid") + "')\"");
        s.append(ROOT ? " -m -u" : " -U -m -u --preserve-credentials").append(" -- /usr/bin/env -i");
        for (String e : LOGIN_ENV) {
            s.append(" '").append(e).append('\'');
        }
        return s.append(" /bin/bash /run/ecsa-sim/login.sh").toString();
    }

    /** Starts {@code command} in the sandbox; the caller owns the process. */
    public Process startProcess(String command) throws IOException {
        return new ProcessBuilder(enterCommand(command)).start();
    }

    /** Runs {@code command} in the sandbox (no SSH involved) and waits for it. */
    public ExecResult exec(String command) {
        return exec(command, new byte[0]);
    }

    /** Runs {@code command} in the sandbox with {@code stdin} as its standard input and waits for it. */
    public ExecResult exec(String command, byte[] stdin) {
        try {
            Process p = startProcess(command);
            CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()));
            CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
            try (OutputStream in = p.getOutputStream()) {
                in.write(stdin);
            } catch (IOException ignored) {
                // the command may exit without reading its input
            }
            int code = p.waitFor();
            return new ExecResult(code, new String(out.join(), StandardCharsets.UTF_8),
                    new String(err.join(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Content of a file as the host sees it, or null when it does not exist there. */
    public String readFile(String pathInHost) {
        ExecResult r = exec("cat -- '" + pathInHost.replace("'", "'\\''") + "'");
        return r.succeeded() ? r.stdout() : null;
    }

    private static byte[] readAll(InputStream in) {
        try (in) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Ends the namespace (the holder exits when its stdin closes); the host directory stays. */
    @Override
    public void close() {
        try {
            holder.getOutputStream().close();
        } catch (IOException ignored) {
            // already closed
        }
        try {
            if (!holder.waitFor(5, TimeUnit.SECONDS)) {
                holder.destroyForcibly();
                holder.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
