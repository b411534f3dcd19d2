package dev.ecsa.cli;

import java.net.URI;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * Where the service runs, shared by every command. Without options the CLI uses the running local mode (its
 * {@code .ecsa/local.json}); {@code --stack} reads a deployed stack's outputs; the other options name each part
 * directly and override what the stack or the local mode says.
 */
public final class BackendOptions {

    @Option(names = "--stack", paramLabel = "NAME",
            description = "A deployed stack: QueueUrl, DlqUrl, TableName and StateMachineArn from its outputs "
                    + "(env ECSA_STACK).")
    String stack;

    @Option(names = "--region", paramLabel = "REGION",
            description = "AWS region (env AWS_REGION or AWS_DEFAULT_REGION).")
    String region;

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
}
