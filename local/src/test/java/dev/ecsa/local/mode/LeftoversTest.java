package dev.ecsa.local.mode;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a killed local mode leaves is cleaned up, and nothing else is touched. */
class LeftoversTest {

    /** No process has this pid: pid_max on Linux is at most 2^22. */
    private static final long DEAD_OWNER = 99_999_999L;

    @TempDir
    Path dir;

    @Test
    void theRecordedProcessesDirectoryAndStateFileOfADeadLocalModeAreRemoved() throws Exception {
        Path state = dir.resolve("local.json");
        Files.writeString(state, "{\"pid\":" + DEAD_OWNER + "}");
        Path temp = Files.createDirectories(dir.resolve("ecsa-local-x/sub"));
        Files.writeString(temp.resolve("f"), "x");
        Process orphan = new ProcessBuilder("sleep", "300").start();
        Process bystander = new ProcessBuilder("sleep", "300").start();
        try {
            long started = orphan.toHandle().info().startInstant().orElseThrow().toEpochMilli();
            Leftovers leftovers = new Leftovers(state);
            Files.writeString(leftovers.file(), "owner " + DEAD_OWNER + "\n"
                    + "dir " + dir.resolve("ecsa-local-x") + "\n"
                    + "pid " + orphan.pid() + " " + started + "\n"
                    // the bystander's pid with another start time: a reused pid, not ours
                    + "pid " + bystander.pid() + " " + (started - 60_000) + "\n");

            String said = leftovers.cleanUp().orElseThrow();

            assertThat(orphan.waitFor(10, TimeUnit.SECONDS)).as("the recorded process was ended").isTrue();
            assertThat(bystander.isAlive()).as("a pid whose start time differs is left alone").isTrue();
            assertThat(dir.resolve("ecsa-local-x")).doesNotExist();
            assertThat(leftovers.file()).doesNotExist();
            assertThat(state).as("the dead owner's state file").doesNotExist();
            assertThat(said).contains("ended 1 process(es)", "removed 1 temporary directory", "pid " + DEAD_OWNER);
        } finally {
            orphan.destroyForcibly();
            bystander.destroyForcibly();
        }
    }

    @Test
    void nothingIsTouchedWhileTheOwnerRuns() throws Exception {
        Path state = dir.resolve("local.json");
        Path temp = Files.createDirectories(dir.resolve("ecsa-local-y"));
        Leftovers leftovers = new Leftovers(state);
        leftovers.record(temp, -1);

        assertThat(Files.readString(leftovers.file())).startsWith("owner " + ProcessHandle.current().pid() + "\n");
        assertThat(leftovers.cleanUp()).isEmpty();
        assertThat(temp).exists();
        assertThat(leftovers.file()).exists();
        leftovers.forget();
        assertThat(leftovers.cleanUp()).as("no list, nothing to do").isEmpty();
    }
}
