package dev.ecsa.cli;

import java.net.URI;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * Where the service runs. Given on the root command ({@code ecsa --stack X --region Y status}, as the AWS CLI and
 * kubectl take their global options) or on the command itself; the command's own value wins. Without options the
 * CLI uses the running local mode (its {@code .ecsa/local.json}); {@code --stack} reads a deployed stack's outputs;
 * the other options name each part directly and override what the stack or the local mode says.
 */
public final class BackendOptions {

    @Option(names = "--stack", paramLabel = "NAME",
            description = "A deployed stack: its outputs say the queue, table, state machine and reconcile function "
                    + "(env ECSA_STACK).")
    String stack;

    @Option(names = "--region", paramLabel = "REGION",
            description = "AWS region (env AWS_REGION or AWS_DEFAULT_REGION, else the profile's region).")
    String region;

    @Option(names = "--profile", paramLabel = "NAME",
            description = "AWS named profile for credentials and region (env AWS_PROFILE).")
    String profile;

    @Option(names = "--queue-url", paramLabel = "URL", description = "The node-request FIFO queue.")
    String queueUrl;

    @Option(names = "--table", paramLabel = "NAME", description = "The inventory table.")
    String table;

    @Option(names = "--state-machine-arn", paramLabel = "ARN", description = "The drain workflow.")
    String stateMachineArn;

    @Option(names = "--endpoint", paramLabel = "URL",
            description = "One endpoint for every AWS call (an emulator); static dummy credentials unless "
                    + "AWS_ACCESS_KEY_ID is set.")
    URI endpoint;

    @Option(names = "--state-file", paramLabel = "FILE",
            description = "The local mode's endpoints (default: .ecsa/local.json in ECSA_HOME, or in this directory "
                    + "or a parent).")
    Path stateFile;

    /** Whether any option names a part directly. */
    boolean explicit() {
        return queueUrl != null || table != null || stateMachineArn != null || endpoint != null;
    }

    /** These options, each one that is not given here taken from {@code parent} (the root command's). */
    BackendOptions over(BackendOptions parent) {
        if (parent == null || parent == this) {
            return this;
        }
        BackendOptions o = new BackendOptions();
        o.stack = stack != null ? stack : parent.stack;
        o.region = region != null ? region : parent.region;
        o.profile = profile != null ? profile : parent.profile;
        o.queueUrl = queueUrl != null ? queueUrl : parent.queueUrl;
        o.table = table != null ? table : parent.table;
        o.stateMachineArn = stateMachineArn != null ? stateMachineArn : parent.stateMachineArn;
        o.endpoint = endpoint != null ? endpoint : parent.endpoint;
        o.stateFile = stateFile != null ? stateFile : parent.stateFile;
        return o;
    }
}
