package dev.ecsa.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ./ecsa} launcher itself (bash), copied into a directory of its own: the launcher takes the repository to
 * be where its real file is, so the copy's {@code .ecsa/local.json} is the one it reads, whatever else runs on this
 * machine. The copy has no Maven wrapper: a launcher that tried to build would fail with another message.
 */
class LauncherTest {

    @TempDir
    Path root;

    private Process running;

    @AfterEach
    void stopTheStandIn() {
        if (running != null) {
            running.destroyForcibly();
        }
    }

    /** A process whose command line names the local mode's main class, as a running local mode's does. */
    private long localModeStandIn() throws IOException {
        running = new ProcessBuilder("bash", "-c", "exec -a dev.ecsa.local.mode.LocalModeMain sleep 120").start();
        return running.pid();
    }

    private Path launcherCopy() throws IOException {
        Path launcher = root.resolve("ecsa");
        Files.copy(repoRoot().resolve("ecsa"), launcher, StandardCopyOption.COPY_ATTRIBUTES);
        return launcher;
    }

    private void stateFile(long pid) throws IOException {
        Files.createDirectories(root.resolve(".ecsa"));
        Files.writeString(root.resolve(".ecsa/local.json"), "{\n  \"version\" : 1,\n  \"pid\" : " + pid
                + ",\n  \"startedAt\" : \"2026-12-07T13:36:01Z\"\n}\n");
    }

    @Test
    void aSecondLocalModeIsRefusedAtOnceNamingTheRunningOneAndBuildsNothing() throws Exception {
        Path launcher = launcherCopy();
        long pid = localModeStandIn();
        stateFile(pid);

        Result r = run(List.of(launcher.toString(), "local"), root);

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.stderr()).contains("another local mode is running for " + root.resolve(".ecsa/local.json"),
                "(pid " + pid + ")", "./ecsa status").doesNotContain("building");
        assertThat(root.resolve("local/target")).doesNotExist();
    }

    @Test
    void theRefusalHoldsThroughASymlinkOnThePathFromAnotherDirectory(@TempDir Path elsewhere) throws Exception {
        Path launcher = launcherCopy();
        stateFile(localModeStandIn());
        Path bin = Files.createDirectories(elsewhere.resolve("bin"));
        Files.createSymbolicLink(bin.resolve("ecsa"), launcher);

        Result r = run(List.of("bash", "-c", "PATH=\"" + bin + ":$PATH\" ecsa local"), elsewhere);

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.stderr()).contains("another local mode is running for " + root.resolve(".ecsa/local.json"));
    }

    @Test
    void aStateFileLeftByALocalModeThatIsGoneDoesNotStopANewOne() throws Exception {
        Path launcher = launcherCopy();
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        stateFile(gone.pid());

        Result r = run(List.of(launcher.toString(), "local"), root);

        // It goes on to build the local mode, which this copy cannot: the refusal did not stop it.
        assertThat(r.stderr()).doesNotContain("another local mode").contains("building the local mode");
        assertThat(r.exit()).isNotZero();
    }

    private record Result(int exit, String stdout, String stderr) {
    }

    private static Result run(List<String> command, Path dir) throws Exception {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).start();
        p.getOutputStream().close();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the launcher did not end within 60 s: " + command);
        }
        return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
                new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    private static Path repoRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isRegularFile(dir.resolve("ecsa"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("no ecsa launcher above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }
}
