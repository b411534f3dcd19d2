package dev.ecsa.local.mode;

import dev.ecsa.store.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * What a local mode leaves if it is killed without its shutdown ({@code kill -9}, an out-of-memory kill): its child
 * processes (dynalite, the Step Functions interpreter, the functions' JVMs) and its temporary directory. The local
 * mode keeps them in a list next to its state file ({@code local.leftovers}: lines {@code pid <pid> <start millis>}
 * and {@code dir <path>}), refreshed every few seconds; a watchdog process cleans them up (and the dead process's state
 * file) as soon as the local mode's process is gone, and the next local mode does it at start if the watchdog could not. A process is ended only if it
 * is still the one recorded (same pid and start time), so a reused pid is never touched.
 */
public final class Leftovers {

    private final Path stateFile;
    private final Path file;

    Leftovers(Path stateFile) {
        this.stateFile = stateFile;
        this.file = stateFile.resolveSibling(stateFile.getFileName() + ".leftovers");
    }

    Path file() {
        return file;
    }

    /** Records the current process's descendants (but {@code except}) and {@code tempDir}. */
    void record(Path tempDir, long except) {
        StringBuilder b = new StringBuilder();
        b.append("owner ").append(ProcessHandle.current().pid()).append('\n');
        b.append("dir ").append(tempDir.toAbsolutePath()).append('\n');
        ProcessHandle.current().descendants().filter(p -> p.pid() != except).forEach(p -> p.info().startInstant()
                .ifPresent(start -> b.append("pid ").append(p.pid()).append(' ').append(start.toEpochMilli())
                        .append('\n')));
        try {
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, b);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** Forgets the list (a local mode that stopped normally has cleaned up itself). */
    void forget() throws IOException {
        Files.deleteIfExists(file);
    }

    /**
     * Ends the recorded processes that still run, deletes the recorded directories, and forgets the list — unless its
     * owner still runs.
     *
     * @return what was cleaned, for a message; empty when there was nothing to do
     */
    Optional<String> cleanUp() throws IOException {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        List<String> lines = Files.readAllLines(file);
        long owner = -1;
        for (String line : lines) {
            if (line.startsWith("owner ")) {
                owner = Long.parseLong(line.substring("owner ".length()));
            }
        }
        if (owner > 0 && ProcessHandle.of(owner).map(ProcessHandle::isAlive).orElse(false)) {
            return Optional.empty(); // still running: nothing is a leftover
        }
        int ended = 0;
        int dirs = 0;
        for (String line : lines) {
            if (line.startsWith("pid ")) {
                String[] pidAndStart = line.substring("pid ".length()).split(" ");
                long started = Long.parseLong(pidAndStart[1]);
                Optional<ProcessHandle> p = ProcessHandle.of(Long.parseLong(pidAndStart[0]))
                        .filter(ProcessHandle::isAlive)
                        .filter(h -> h.info().startInstant().map(Instant::toEpochMilli).orElse(-1L) == started);
                if (p.isPresent()) {
                    p.get().destroyForcibly();
                    ended++;
                }
            } else if (line.startsWith("dir ")) {
                Path dir = Path.of(line.substring("dir ".length()));
                if (Files.isDirectory(dir)) {
                    deleteTree(dir);
                    dirs++;
                }
            }
        }
        removeStateFileOf(owner);
        forget();
        return ended + dirs == 0 ? Optional.empty() : Optional.of("ended " + ended + " process(es) and removed " + dirs
                + " temporary director" + (dirs == 1 ? "y" : "ies") + " left by local mode pid " + owner);
    }

    /** The state file, if the dead owner wrote it (the CLI would only call it stale). */
    private void removeStateFileOf(long owner) {
        try {
            if (Files.isRegularFile(stateFile) && Json.mapper().readTree(stateFile.toFile()).path("pid").asLong()
                    == owner) {
                Files.deleteIfExists(stateFile);
            }
        } catch (IOException | RuntimeException e) {
            // another local mode may be writing it: leave it
        }
    }

    static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /**
     * The watchdog's entry point: {@code Leftovers <owner pid> <leftovers file>} waits for the owner to end, then
     * cleans up what it recorded.
     */
    public static void main(String[] args) throws Exception {
        long owner = Long.parseLong(args[0]);
        Path list = Path.of(args[1]);
        Optional<ProcessHandle> handle = ProcessHandle.of(owner);
        if (handle.isPresent()) {
            handle.get().onExit().join();
        }
        String stateName = list.getFileName().toString().replaceFirst("\\.leftovers$", "");
        new Leftovers(list.resolveSibling(stateName)).cleanUp()
                .ifPresent(m -> System.err.println("ecsa local (watchdog): " + m));
    }
}
