package dev.ecsa.local.dynamo;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The launcher itself: start, answer, stop without leaving a process, and clear errors. */
class DynaliteServerIT {

    @Test
    void answersAndLeavesNoProcessAfterClose() throws Exception {
        DynaliteServer server = DynaliteServer.start();
        long pid = server.pid();
        int port = server.port();
        try (DynamoDbClient dynamo = ServiceTable.client(server.endpoint())) {
            assertThat(dynamo.listTables().tableNames()).isEmpty();
        }
        assertThat(ProcessHandle.of(pid)).map(ProcessHandle::isAlive).contains(true);

        server.close();

        assertThat(server.isAlive()).isFalse();
        assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).isEmpty();
        assertThatThrownBy(() -> {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            }
        }).isInstanceOf(IOException.class);
        server.close(); // idempotent
    }

    @Test
    void twoServersAreIndependentDatabases() {
        try (DynaliteServer first = DynaliteServer.start(); DynaliteServer second = DynaliteServer.start();
             DynamoDbClient a = ServiceTable.client(first.endpoint());
             DynamoDbClient b = ServiceTable.client(second.endpoint())) {
            assertThat(first.port()).isNotEqualTo(second.port());
            ServiceTable.create(a, "only-in-first");
            assertThat(a.listTables().tableNames()).containsExactly("only-in-first");
            assertThat(b.listTables().tableNames()).isEmpty();
        }
    }

    @Test
    void reportsAPortTakenByAnotherProcessWithItsStderr() throws Exception {
        Path root = DynaliteServer.locateRepoRoot();
        Path node = DynaliteServer.findOnPath("node").orElseThrow();
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            assertThatThrownBy(() -> DynaliteServer.launch(node, root.resolve("node_modules/dynalite/cli.js"),
                    taken.getLocalPort()))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("EADDRINUSE");
        }
    }

    @Test
    void explainsWhatToDoWhenDynaliteIsMissing(@TempDir Path emptyRepo) {
        assertThatThrownBy(() -> DynaliteServer.start(emptyRepo))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("dynalite is not installed")
                .hasMessageContaining("run bin/setup");
    }

    @Test
    void explainsWhatToDoWhenNodeIsMissing(@TempDir Path dir) {
        assertThatThrownBy(() -> DynaliteServer.start(DynaliteServer.locateRepoRoot(), dir.resolve("node")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("node not found")
                .hasMessageContaining("run bin/setup");
    }

    @Test
    void findsTheRepoRootFromThePropertyOrByWalkingUp() {
        Path fromProperty = DynaliteServer.locateRepoRoot();
        assertThat(fromProperty.resolve("package-lock.json")).isRegularFile();

        String saved = System.clearProperty(DynaliteServer.REPO_ROOT_PROPERTY);
        try {
            // failsafe runs in the module directory, one level below the root.
            Path walked = DynaliteServer.locateRepoRoot();
            assertThat(walked.resolve("package-lock.json")).isRegularFile();
            assertThat(walked.toAbsolutePath().normalize()).isEqualTo(fromProperty);
        } finally {
            if (saved != null) {
                System.setProperty(DynaliteServer.REPO_ROOT_PROPERTY, saved);
            }
        }
    }

    @Test
    void findsExecutablesOnPath() {
        Optional<Path> node = DynaliteServer.findOnPath("node");
        assertThat(node).isPresent();
        assertThat(Files.isExecutable(node.get())).isTrue();
        assertThat(DynaliteServer.findOnPath("no-such-program-" + System.nanoTime())).isEmpty();
    }
}
