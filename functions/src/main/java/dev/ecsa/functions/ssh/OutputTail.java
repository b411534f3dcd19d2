package dev.ecsa.functions.ssh;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Keeps the last {@code capacity} bytes written to it (a ring buffer), so a command that prints megabytes costs a
 * bounded amount of memory while the end of its output, where the host scripts print their result line, survives.
 * Written by one drain thread, read after that thread has finished.
 */
final class OutputTail {

    private final byte[] ring;
    private long total;

    OutputTail(int capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("capacity must be positive");
        }
        this.ring = new byte[capacity];
    }

    synchronized void write(byte[] b, int off, int len) {
        if (len >= ring.length) {
            off += len - ring.length;
            total += len - ring.length;
            len = ring.length;
        }
        int pos = (int) (total % ring.length);
        int first = Math.min(len, ring.length - pos);
        System.arraycopy(b, off, ring, pos, first);
        System.arraycopy(b, off + first, ring, 0, len - first);
        total += len;
    }

    /** Copies {@code in} to the tail until end of stream. */
    void drain(InputStream in) throws IOException {
        byte[] buf = new byte[8192];
        for (int n; (n = in.read(buf)) != -1; ) {
            write(buf, 0, n);
        }
    }

    /** How many bytes were written in all. */
    synchronized long total() {
        return total;
    }

    /** Whether older output was dropped. */
    synchronized boolean truncated() {
        return total > ring.length;
    }

    /**
     * The kept bytes as UTF-8. When output was dropped, the cut may fall inside a multi-byte character; its
     * continuation bytes are skipped rather than decoded as replacement characters.
     */
    synchronized String text() {
        int size = (int) Math.min(total, ring.length);
        byte[] out = new byte[size];
        int start = (int) ((total - size) % ring.length);
        int first = Math.min(size, ring.length - start);
        System.arraycopy(ring, start, out, 0, first);
        System.arraycopy(ring, 0, out, first, size - first);
        int skip = 0;
        if (truncated()) {
            while (skip < size && skip < 3 && (out[skip] & 0xC0) == 0x80) {
                skip++;
            }
        }
        return new String(out, skip, size - skip, StandardCharsets.UTF_8);
    }
}
