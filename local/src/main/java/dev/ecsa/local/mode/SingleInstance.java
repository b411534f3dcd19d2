package dev.ecsa.local.mode;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ecsa.store.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One local mode per state file: an exclusive lock on {@code <state file>.lock}, held while the local mode runs. The
 * operating system releases it when the process ends however it ends ({@code kill -9} included), so a lock is never
 * left stale. A second local mode for the same state file fails at once, naming the one that runs, instead of
 * overwriting its state file (and deleting it when it stops).
 */
final class SingleInstance implements AutoCloseable {

    private final FileChannel channel;
    private final FileLock lock;

    private SingleInstance(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the lock for {@code stateFile}.
     *
     * @throws IllegalStateException naming the running local mode, when another one holds it
     */
    static SingleInstance acquire(Path stateFile) {
        Path lockFile = stateFile.resolveSibling(stateFile.getFileName() + ".lock");
        FileChannel channel = null;
        try {
            Files.createDirectories(lockFile.toAbsolutePath().getParent());
            channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException sameProcess) {
                lock = null;
            }
            if (lock == null) {
                channel.close();
                throw new IllegalStateException("another local mode is running for " + stateFile + running(stateFile)
                        + ": stop it first (Ctrl-C in its terminal), or use it (./ecsa status)");
            }
            return new SingleInstance(channel, lock);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new UncheckedIOException("cannot lock " + lockFile, e);
        }
    }

    /** " (pid N, started T)" from the state file the running one wrote, when it can be read. */
    private static String running(Path stateFile) {
        try {
            JsonNode state = Json.mapper().readTree(stateFile.toFile());
            return " (pid " + state.path("pid").asLong() + ", started " + state.path("startedAt").asText() + ")";
        } catch (IOException | RuntimeException e) {
            return ""; // it may still be starting: the lock alone says it runs
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing held
            }
        }
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            channel.close();
        }
    }
}
