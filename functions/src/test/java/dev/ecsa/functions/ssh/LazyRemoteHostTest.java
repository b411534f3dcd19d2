package dev.ecsa.functions.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ecsa.core.port.HostKeyPolicy;
import dev.ecsa.core.port.ScriptResult;
import dev.ecsa.core.port.ScriptRun;
import dev.ecsa.core.port.SshPrivateKey;
import dev.ecsa.core.port.SshTarget;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class LazyRemoteHostTest {

    private static ScriptRun run() {
        return new ScriptRun(new SshTarget("10.0.0.1", 22, "ecsa"), new HostKeyPolicy.PinOnFirstUse(),
                new SshPrivateKey("s", "k"), ScriptRun.DEFAULT_COMMAND, "true\n", Duration.ofSeconds(1),
                Duration.ofSeconds(1));
    }

    @Test
    void theHostIsBuiltAtTheFirstRunAndOnlyOnce() {
        AtomicInteger built = new AtomicInteger();
        ScriptResult answer = new ScriptResult(0, "ok\n", "", "SHA256:x");
        LazyRemoteHost lazy = new LazyRemoteHost(() -> {
            built.incrementAndGet();
            return r -> answer;
        });
        assertThat(built).hasValue(0);
        assertThat(lazy.run(run())).isSameAs(answer);
        assertThat(lazy.run(run())).isSameAs(answer);
        assertThat(built).hasValue(1);
    }
}
