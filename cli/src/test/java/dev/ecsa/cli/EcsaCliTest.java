package dev.ecsa.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Argument parsing and exit codes, without a backend: the state file written here points at a port nobody listens
 * on, so any command that gets as far as the network ends with exit 4.
 */
class EcsaCliTest {

    @TempDir
    Path dir;

    private Path stateFile(long pid) throws IOException {
        int deadPort;
        try (ServerSocket s = new ServerSocket(0)) {
            deadPort = s.getLocalPort();
        }
        String endpoint = "http://127.0.0.1:" + deadPort;
        Path file = dir.resolve(".ecsa/local.json");
        Files.createDirectories(file.getParent());
        Files.writeString(file, """
                {"version":1,"pid":%d,"region":"us-east-1",
                 "endpoints":{"sqs":"%s","dynamodb":"%s","stepfunctions":"%s"},
                 "queueUrl":"%s/000000000000/node-requests.fifo","tableName":"t",
                 "stateMachineArn":"arn:aws:states:us-east-1:123456789012:stateMachine:x",
                 "hosts":[{"nodeId":"node-1","address":"127.0.0.1","port":2222,"sshUser":"ecsa"}]}
                """.formatted(pid, endpoint, endpoint, endpoint, endpoint));
        return file;
    }

    private CliHarness ecsa(String... args) {
        return CliHarness.run(Map.of("USER", "tester"), dir, args);
    }

    @Test
    void noCommandIsAUsageError() {
        CliHarness r = ecsa();

        assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("a command is required").contains("--help");
    }

    @Test
    void anUnknownCommandOrOptionIsAUsageError() {
        assertThat(ecsa("frobnicate").exitCode()).isEqualTo(ExitCodes.USAGE);
        CliHarness r = ecsa("status", "--colour");
        assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("Unknown option: '--colour'");
    }

    @Test
    void aMissingArgumentIsAUsageError() {
        CliHarness r = ecsa("history");

        assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("Missing required parameter: 'NODE'");
    }

    @Test
    void helpListsTheCommandsAndTheExitCodes() {
        CliHarness r = ecsa("--help");

        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("register", "deregister", "status", "history", "watch", "findings")
                .contains("Exit codes:", "4   no backend");
    }

    @Test
    void withoutALocalModeOrAStackTheCommandSaysHowToGetOne() {
        CliHarness r = ecsa("status");

        assertThat(r.exitCode()).isEqualTo(ExitCodes.UNREACHABLE);
        assertThat(r.err()).contains("./ecsa local").contains("--stack");
    }

    @Test
    void aStateFileOfAStoppedLocalModeIsRecognised() throws IOException {
        // No process has this pid: pid_max on Linux is at most 2^22.
        stateFile(99_999_999L);

        CliHarness r = ecsa("status");

        assertThat(r.exitCode()).isEqualTo(ExitCodes.UNREACHABLE);
        assertThat(r.err()).contains("pid 99999999").contains("is not running");
    }

    @Test
    void aBackendThatDoesNotAnswerIsExitFourWithoutAStackTrace() throws IOException {
        stateFile(ProcessHandle.current().pid());

        CliHarness status = ecsa("status", "node-1");
        CliHarness send = ecsa("register", "node-1");
        CliHarness precheck = ecsa("deregister", "node-1");

        assertThat(status.exitCode()).as(status.toString()).isEqualTo(ExitCodes.UNREACHABLE);
        assertThat(status.err()).startsWith("ecsa: ").contains("local mode (pid").doesNotContain("\tat ");
        assertThat(send.exitCode()).as(send.toString()).isEqualTo(ExitCodes.UNREACHABLE);
        assertThat(send.err()).contains("SendMessage").contains("does not answer");
        assertThat(precheck.exitCode()).as(precheck.toString()).isEqualTo(ExitCodes.UNREACHABLE);
        assertThat(precheck.err()).contains("GetItem node-1").contains("no answer");
    }

    @Test
    void anInvalidRequestIsRefusedBeforeAnythingIsSent() throws IOException {
        stateFile(ProcessHandle.current().pid());

        CliHarness badNode = ecsa("deregister", "bad node!");
        CliHarness badTimeout = ecsa("deregister", "node-1", "--drain-timeout", "5");
        CliHarness badAttribute = ecsa("register", "node-1", "--attribute", "ecs.reserved=x");
        CliHarness notANumber = ecsa("register", "node-1", "--port", "twenty-two");

        assertThat(badNode.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(badNode.err()).contains("NODE must be 1 to 63 letters").contains("nothing was sent")
                .doesNotContain("--address", "^[");
        assertThat(badTimeout.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(badTimeout.err()).contains("--drain-timeout must be from 1m to 1h (60 to 3600 seconds)");
        assertThat(badAttribute.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(badAttribute.err()).contains("--attribute ecs.reserved: name must not start with 'ecs.'");
        assertThat(notANumber.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(notANumber.err()).contains("--port");
    }

    @Test
    void aRegistrationOfAnUnknownHostNeedsAnAddress() throws IOException {
        stateFile(ProcessHandle.current().pid());

        CliHarness r = ecsa("register", "node-9");

        assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("--address is required").contains("node-1");
    }

    @Test
    void everyTimeSpanOptionTakesTheSameDurations() throws IOException {
        stateFile(ProcessHandle.current().pid());

        CliHarness minutes = ecsa("deregister", "node-1", "--drain-timeout", "15m", "--dry-run", "-o", "json");
        CliHarness seconds = ecsa("deregister", "node-1", "--drain-timeout", "900", "--dry-run", "-o", "json");
        CliHarness tooShort = ecsa("deregister", "node-1", "--drain-timeout", "30s", "--dry-run");
        CliHarness watch = ecsa("watch", "r-1", "--timeout", "90x");
        CliHarness confirm = ecsa("register", "node-1", "--address", "10.0.0.7", "--ssh-user", "ecsa",
                "--confirm-timeout", "soon", "--dry-run");

        assertThat(minutes.exitCode()).as(minutes.toString()).isZero();
        assertThat(minutes.out()).contains("\"drainTimeoutSeconds\" : 900");
        assertThat(seconds.exitCode()).as(seconds.toString()).isZero();
        assertThat(seconds.out()).as("a bare number is seconds").contains("\"drainTimeoutSeconds\" : 900");
        assertThat(tooShort.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(tooShort.err()).contains("--drain-timeout must be from 1m to 1h");
        assertThat(watch.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(watch.err()).contains("--timeout", "takes a duration such as 90s, 10m or 1h", "not '90x'");
        assertThat(confirm.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(confirm.err()).contains("--confirm-timeout", "not 'soon'");
    }

    @Test
    void watchRefusesANonsenseInterval() throws IOException {
        stateFile(ProcessHandle.current().pid());

        assertThat(ecsa("watch", "r-1", "--interval", "1").exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(ecsa("history", "node-1", "--limit", "0").exitCode()).isEqualTo(ExitCodes.USAGE);
    }

    @Test
    void findingsWithoutABackendIsUnreachable() {
        CliHarness r = ecsa("findings", "--json");

        assertThat(r.exitCode()).isEqualTo(ExitCodes.UNREACHABLE);
    }

    @Test
    void globalOptionsGoBeforeTheCommandAndTheCommandIsFoundBehindTheirValues() throws IOException {
        Path file = stateFile(ProcessHandle.current().pid());

        CliHarness before = ecsa("--state-file", file.toString(), "-o", "json", "status", "node-1");
        CliHarness joined = ecsa("--state-file=" + file, "--output=yaml", "history", "node-1");
        CliHarness stackHelp = ecsa("--stack", "X", "--region", "eu-west-1", "status", "--help");

        assertThat(before.exitCode()).as(before.toString()).isEqualTo(ExitCodes.UNREACHABLE);
        assertThat(before.err()).contains("GetItem node-1");
        assertThat(joined.exitCode()).as(joined.toString()).isEqualTo(ExitCodes.UNREACHABLE);
        assertThat(stackHelp.exitCode()).isZero();
        assertThat(stackHelp.out()).contains("Usage: ecsa status");
    }

    @Test
    void aMistypedCommandIsRefusedWithSuggestionsFromEveryCommand() {
        CliHarness r = ecsa("--region", "eu-west-1", "stauts");

        assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("stauts").contains("status");
    }
}
