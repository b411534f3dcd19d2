package dev.ecsa.functions.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class OutputTailTest {

    @Test
    void keepsEverythingBelowCapacity() {
        OutputTail t = new OutputTail(16);
        write(t, "hello ");
        write(t, "world");
        assertThat(t.text()).isEqualTo("hello world");
        assertThat(t.truncated()).isFalse();
        assertThat(t.total()).isEqualTo(11);
    }

    @Test
    void keepsTheLastBytesOfAnyChunkingOfTheStream() {
        Random random = new Random(42);
        for (int round = 0; round < 200; round++) {
            int capacity = 1 + random.nextInt(64);
            OutputTail t = new OutputTail(capacity);
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            int chunks = random.nextInt(20);
            for (int i = 0; i < chunks; i++) {
                byte[] chunk = new byte[random.nextInt(3 * capacity)];
                for (int j = 0; j < chunk.length; j++) {
                    chunk[j] = (byte) ('a' + random.nextInt(26));
                }
                int off = chunk.length == 0 ? 0 : random.nextInt(chunk.length);
                t.write(chunk, off, chunk.length - off);
                all.write(chunk, off, chunk.length - off);
            }
            byte[] bytes = all.toByteArray();
            byte[] expected = Arrays.copyOfRange(bytes, Math.max(0, bytes.length - capacity), bytes.length);
            assertThat(t.text()).as("round %d", round).isEqualTo(new String(expected, StandardCharsets.US_ASCII));
            assertThat(t.total()).isEqualTo(bytes.length);
            assertThat(t.truncated()).isEqualTo(bytes.length > capacity);
        }
    }

    @Test
    void aCutInsideAMultiByteCharacterDropsItsRemainsInsteadOfGarbling() {
        OutputTail t = new OutputTail(4);
        write(t, "x€ok"); // 6 bytes, € is 3 of them: the tail keeps the last 2 of those, then "ok"
        assertThat(t.text()).isEqualTo("ok");
        OutputTail whole = new OutputTail(5);
        write(whole, "x€ok");
        assertThat(whole.text()).isEqualTo("€ok");
    }

    @Test
    void drainsAStreamLargerThanTheTail() throws Exception {
        byte[] big = new byte[3 * 1024 * 1024 + 7];
        Arrays.fill(big, (byte) 'x');
        byte[] end = "\nECSA_RESULT {\"ok\":true}\n".getBytes(StandardCharsets.UTF_8);
        System.arraycopy(end, 0, big, big.length - end.length, end.length);
        OutputTail t = new OutputTail(1024);
        t.drain(new ByteArrayInputStream(big));
        assertThat(t.text()).hasSize(1024).endsWith("\nECSA_RESULT {\"ok\":true}\n");
        assertThat(t.total()).isEqualTo(big.length);
    }

    private static void write(OutputTail t, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        t.write(b, 0, b.length);
    }
}
