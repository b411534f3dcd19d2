package dev.ecsa.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which backend a command talks to: the stack's outputs, the local mode's state file, or explicit options. */
class BackendResolverTest {

    @TempDir
    Path dir;

    private final List<String> stacksAsked = new ArrayList<>();

    private BackendResolver resolver(Map<String, String> env) {
        return new BackendResolver(env, dir, bare -> name -> {
            stacksAsked.add(name + "@" + bare.region());
            return Map.of("QueueUrl", "https://sqs/q.fifo", "DlqUrl", "https://sqs/d.fifo", "TableName", "inv",
                    "StateMachineArn", "arn:aws:states:eu-west-1:1:stateMachine:drain",
                    "ReconcileFunction", "arn:aws:lambda:eu-west-1:1:function:rec:live");
        }, profile -> profile.equals("ops") ? Optional.of("ap-south-1") : Optional.empty());
    }

    private void writeState(Path root) throws IOException {
        Path file = root.resolve(".ecsa/local.json");
        Files.createDirectories(file.getParent());
        Files.writeString(file, """
                {"pid":%d,"region":"us-east-1","endpoints":{"sqs":"http://127.0.0.1:1","dynamodb":"http://127.0.0.1:2"},
                 "queueUrl":"http://127.0.0.1:1/q.fifo","tableName":"local-t","stateMachineArn":"arn:sm",
                 "hosts":[{"nodeId":"node-2","address":"127.0.0.1","port":2202,"sshUser":"ecsa"},
                          {"nodeId":"node-1","address":"127.0.0.1","port":2201,"sshUser":"ecsa",
                           "hostKeyFingerprint":"SHA256:abc"}]}
                """.formatted(ProcessHandle.current().pid()));
    }

    @Test
    void aStackIsReadFromItsOutputsInItsRegion() {
        BackendOptions o = new BackendOptions();
        o.stack = "ecsa-prod";
        o.region = "eu-west-1";

        Backend b = resolver(Map.of()).resolve(o);

        assertThat(stacksAsked).containsExactly("ecsa-prod@eu-west-1");
        assertThat(b.local()).isFalse();
        assertThat(b.queueUrl()).isEqualTo("https://sqs/q.fifo");
        assertThat(b.table()).isEqualTo("inv");
        assertThat(b.endpoint("dynamodb")).isEmpty();
        assertThat(b.description()).isEqualTo("stack ecsa-prod (eu-west-1)");
        assertThat(b.reconcileFunction()).isEqualTo("arn:aws:lambda:eu-west-1:1:function:rec:live");
        assertThat(b.profile()).isNull();
    }

    @Test
    void theStackAndRegionMayComeFromTheEnvironmentAndOptionsOverrideOutputs() {
        BackendOptions o = new BackendOptions();
        o.table = "other-table";

        Backend b = resolver(Map.of("ECSA_STACK", "ecsa-dev", "AWS_REGION", "us-west-2")).resolve(o);

        assertThat(stacksAsked).containsExactly("ecsa-dev@us-west-2");
        assertThat(b.table()).isEqualTo("other-table");
        assertThat(b.queueUrl()).isEqualTo("https://sqs/q.fifo");
    }

    @Test
    void aProfileGivesCredentialsAndItsRegionWhenNoneIsGiven() {
        BackendOptions o = new BackendOptions();
        o.stack = "ecsa-prod";
        o.profile = "ops";

        Backend b = resolver(Map.of()).resolve(o);
        Backend fromEnv = resolver(Map.of("AWS_PROFILE", "ops", "ECSA_STACK", "ecsa-prod")).resolve(new BackendOptions());

        assertThat(b.profile()).isEqualTo("ops");
        assertThat(b.region()).isEqualTo("ap-south-1");
        assertThat(fromEnv.profile()).isEqualTo("ops");
        assertThat(stacksAsked).containsExactly("ecsa-prod@ap-south-1", "ecsa-prod@ap-south-1");
    }

    @Test
    void globalOptionsApplyUnlessTheCommandGivesItsOwn() {
        BackendOptions global = new BackendOptions();
        global.stack = "ecsa-prod";
        global.region = "eu-west-1";
        BackendOptions own = new BackendOptions();
        own.region = "us-east-2";

        Backend b = resolver(Map.of()).resolve(own.over(global));

        assertThat(stacksAsked).containsExactly("ecsa-prod@us-east-2");
        assertThat(b.queueUrl()).isEqualTo("https://sqs/q.fifo");
    }

    @Test
    void aStackWithoutARegionIsAUsageError() {
        BackendOptions o = new BackendOptions();
        o.stack = "ecsa-prod";

        assertThatThrownBy(() -> resolver(Map.of()).resolve(o)).isInstanceOfSatisfying(CliException.class,
                e -> assertThat(e.exitCode()).isEqualTo(ExitCodes.USAGE));
    }

    @Test
    void theLocalModeIsFoundInThisDirectoryOrAParent() throws IOException {
        writeState(dir);
        Path nested = Files.createDirectories(dir.resolve("a/b"));

        Backend b = new BackendResolver(Map.of(), nested, bare -> name -> Map.of(), p -> Optional.empty()).resolve(new BackendOptions());

        assertThat(b.local()).isTrue();
        assertThat(b.table()).isEqualTo("local-t");
        assertThat(b.endpoint("dynamodb")).contains(URI.create("http://127.0.0.1:2"));
        assertThat(b.hosts().keySet()).containsExactly("node-2", "node-1");
        assertThat(b.hosts().get("node-1").hostKeyFingerprint()).isEqualTo("SHA256:abc");
        assertThat(b.hosts().get("node-2").hostKeyFingerprint()).isNull();
    }

    @Test
    void ecsaHomeNamesTheRepositoryWhateverTheWorkingDirectory() throws IOException {
        Path repo = Files.createDirectories(dir.resolve("repo"));
        writeState(repo);

        Backend b = resolver(Map.of("ECSA_HOME", repo.toString())).resolve(new BackendOptions());

        assertThat(b.queueUrl()).isEqualTo("http://127.0.0.1:1/q.fifo");
    }

    @Test
    void explicitOptionsNeedNoStateFileAndAnEndpointAppliesToEveryService() {
        BackendOptions o = new BackendOptions();
        o.queueUrl = "http://localhost:9324/q.fifo";
        o.table = "t";
        o.endpoint = URI.create("http://localhost:4566");
        Map<String, String> env = new HashMap<>();
        env.put("AWS_DEFAULT_REGION", "ap-south-1");

        Backend b = resolver(env).resolve(o);

        assertThat(b.region()).isEqualTo("ap-south-1");
        assertThat(b.endpoint("sqs")).contains(URI.create("http://localhost:4566"));
        assertThat(b.endpoint("dynamodb")).contains(URI.create("http://localhost:4566"));
        assertThat(stacksAsked).isEmpty();
        assertThatThrownBy(b::stateMachineArn).isInstanceOfSatisfying(CliException.class,
                e -> assertThat(e.getMessage()).contains("--state-machine-arn"));
    }

    @Test
    void nothingToGoOnIsUnreachableWithAHint() {
        assertThatThrownBy(() -> resolver(Map.of()).resolve(new BackendOptions()))
                .isInstanceOfSatisfying(CliException.class, e -> {
                    assertThat(e.exitCode()).isEqualTo(ExitCodes.UNREACHABLE);
                    assertThat(e.getMessage()).contains("./ecsa local", "--stack");
                });
    }
}
