package dev.ecsa.local;

import java.util.ArrayList;
import java.util.List;

/**
 * What a composite of running parts has started, closed in reverse order of start. Every part is closed even when an
 * earlier one fails; the first failure is rethrown afterwards. Closing twice does nothing the second time.
 */
public final class Resources implements AutoCloseable {

    private final List<AutoCloseable> started = new ArrayList<>();

    /** Remembers {@code resource} for {@link #close()} and hands it back. */
    public synchronized <T extends AutoCloseable> T track(T resource) {
        started.add(resource);
        return resource;
    }

    @Override
    public synchronized void close() {
        RuntimeException first = null;
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).close();
            } catch (Exception e) {
                if (first == null) {
                    first = e instanceof RuntimeException re ? re : new IllegalStateException(e);
                }
            }
        }
        started.clear();
        if (first != null) {
            throw first;
        }
    }
}
