package dev.ecsa.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.profiles.ProfileFile;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.CloudFormationException;
import software.amazon.awssdk.services.cloudformation.model.Output;
import software.amazon.awssdk.services.cloudformation.model.Stack;

/**
 * {@code ecsa}: the operator CLI. The same commands work against the local mode and a deployed stack
 * (see {@link BackendOptions}); docs/cli.md documents them and the exit codes ({@link ExitCodes}).
 */
@Command(name = "ecsa", mixinStandardHelpOptions = true, version = "ecsa 0.1.0",
        description = "Operate the ECS Anywhere node lifecycle service: send requests, read nodes and requests.",
        synopsisSubcommandLabel = "COMMAND",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:done (watch, wait, --watch: the request succeeded or the state was reached)",
            "1:the request was rejected or ended without success; wait: the node reached another end state",
            "2:bad usage or invalid request (nothing was sent)",
            "3:node, request or stack not found",
            "4:no backend (no local mode running, no stack named) or it does not answer",
            "5:the backend answered with an error",
            "6:watch, wait: gave up at --timeout (the request goes on)"},
        footer = {"", "Without --stack or other backend options, commands use the running local mode (./ecsa local).",
            "Backend and output options go before or after the command: ecsa --stack S --region R status -o wide."})
public final class EcsaCli implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    /** The global backend options (a command's own take precedence). */
    @Mixin
    BackendOptions backend;

    /** The global output options (a command's own take precedence). */
    @Mixin
    OutputOptions output;

    final Map<String, String> env;
    final Path workingDirectory;
    final Clock clock;
    final boolean terminal;

    EcsaCli(Map<String, String> env, Path workingDirectory, Clock clock, boolean terminal) {
        this.env = env;
        this.workingDirectory = workingDirectory;
        this.clock = clock;
        this.terminal = terminal;
    }

    /** How a command prints: its own -o, else the global one; colour only on a terminal without NO_COLOR. */
    Printer printer(OutputOptions commandOutput) {
        OutputOptions.Format format = commandOutput == null ? output.format(null) : commandOutput.format(output);
        return new Printer(spec.commandLine().getOut(), format, Printer.colourAllowed(terminal, env));
    }

    @Override
    public Integer call() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
    }

    /** Whether a live status line may be redrawn in place: a terminal that is not TERM=dumb. */
    boolean liveLines() {
        return terminal && !"dumb".equals(env.get("TERM"));
    }

    /** Resolves the backend for a command (its options over the global ones) and opens its connections. */
    Connections connect(BackendOptions options) {
        Backend resolved = new BackendResolver(env, workingDirectory, EcsaCli::stackOutputs, EcsaCli::profileRegion)
                .resolve(options == null ? backend : options.over(backend));
        return new Connections(resolved);
    }

    /** The region a profile of the AWS config file names, if any. */
    private static Optional<String> profileRegion(String profile) {
        try {
            return ProfileFile.defaultProfileFile().profile(profile).flatMap(p -> p.property("region"));
        } catch (RuntimeException e) {
            return Optional.empty(); // no or unreadable config file: the caller asks for --region
        }
    }

    private static BackendResolver.StackOutputs stackOutputs(Backend bare) {
        return stackName -> {
            try (CloudFormationClient cfn = Connections.cloudFormation(bare)) {
                Connections probe = new Connections(bare);
                Stack stack = probe.call("DescribeStacks " + stackName + " (reading its outputs)", () -> {
                    try {
                        return cfn.describeStacks(r -> r.stackName(stackName)).stacks().get(0);
                    } catch (CloudFormationException e) {
                        if (e.awsErrorDetails() != null && String.valueOf(e.awsErrorDetails().errorMessage())
                                .contains("does not exist")) {
                            throw CliException.notFound("stack " + stackName + " does not exist in "
                                    + bare.region());
                        }
                        throw e;
                    }
                });
                Map<String, String> outputs = new HashMap<>();
                for (Output o : stack.outputs()) {
                    outputs.put(o.outputKey(), o.outputValue());
                }
                return outputs;
            }
        };
    }

    /** The commands in the order --help lists them. */
    private static final Map<String, Class<?>> COMMANDS = commands();

    private static Map<String, Class<?>> commands() {
        Map<String, Class<?>> m = new LinkedHashMap<>();
        m.put("register", RegisterCommand.class);
        m.put("deregister", DeregisterCommand.class);
        m.put("restart", RestartCommand.class);
        m.put("upgrade", UpgradeCommand.class);
        m.put("status", StatusCommand.class);
        m.put("versions", VersionsCommand.class);
        m.put("wait", WaitCommand.class);
        m.put("history", HistoryCommand.class);
        m.put("watch", WatchCommand.class);
        m.put("findings", FindingsCommand.class);
        m.put("reconcile", ReconcileCommand.class);
        m.put("repair", RepairCommand.class);
        m.put("plan", PlanCommand.class);
        m.put("rollout", RolloutCommand.class);
        m.put("local", LocalCommand.class);
        m.put("completion", CompletionCommand.class);
        m.put("help", CommandLine.HelpCommand.class);
        return m;
    }

    /**
     * Adds the command the arguments name, or every command when they name none, help or completion, or an unknown
     * one (so help lists them all and a typo gets suggestions). Picocli builds a command's model by reflection when
     * it is added: one command instead of eleven is part of a command's start time (docs/cli.md#start-time).
     */
    static void addCommands(CommandLine cli, String[] args) {
        String named = commandName(cli.getCommandSpec(), args);
        boolean one = named != null && COMMANDS.containsKey(named) && !named.equals("help")
                && !named.equals("completion");
        COMMANDS.forEach((name, type) -> {
            if (!one || name.equals(named)) {
                cli.addSubcommand(name, type);
            }
        });
    }

    /** The first argument that is neither a root option nor a root option's value. */
    private static String commandName(CommandSpec root, String[] args) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("-")) {
                return a;
            }
            CommandLine.Model.OptionSpec option = root.findOption(a.contains("=") ? a.substring(0, a.indexOf('='))
                    : a);
            if (option != null && !a.contains("=") && option.arity().max() > 0) {
                i++;
            }
        }
        return null;
    }

    /** Runs the CLI with the process's environment and exits with its code. */
    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        int code = run(args, out, err, System.getenv(), Path.of("").toAbsolutePath(), Clock.systemUTC(),
                System.console() != null);
        out.flush();
        err.flush();
        System.exit(code);
    }

    /**
     * Runs one command in-process (the tests do) and returns its exit code; output goes to {@code out}, messages
     * to {@code err}.
     */
    public static int run(String[] args, PrintWriter out, PrintWriter err, Map<String, String> env,
                          Path workingDirectory, Clock clock) {
        return run(args, out, err, env, workingDirectory, clock, false);
    }

    /** As {@link #run(String[], PrintWriter, PrintWriter, Map, Path, Clock)}, saying whether out is a terminal. */
    public static int run(String[] args, PrintWriter out, PrintWriter err, Map<String, String> env,
                          Path workingDirectory, Clock clock, boolean terminal) {
        CommandLine cli = new CommandLine(new EcsaCli(env, workingDirectory, clock, terminal));
        addCommands(cli, args);
        cli.setOut(out);
        cli.setErr(err);
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            CommandLine root = commandLine;
            if (e instanceof CliException c) {
                root.getErr().println("ecsa: " + c.getMessage());
                return c.exitCode();
            }
            // Not a user error: say what broke in one line; the stack trace only with ECSA_DEBUG set.
            root.getErr().println("ecsa: unexpected error: " + Connections.rootMessage(e));
            if (env.containsKey("ECSA_DEBUG")) {
                e.printStackTrace(root.getErr());
            }
            return ExitCodes.BACKEND_ERROR;
        });
        cli.setParameterExceptionHandler((e, args2) -> {
            CommandLine c = e.getCommandLine();
            c.getErr().println("ecsa: " + e.getMessage());
            if (e instanceof CommandLine.UnmatchedArgumentException unmatched) {
                CommandLine.UnmatchedArgumentException.printSuggestions(unmatched, c.getErr());
            }
            c.getErr().println("Try '" + c.getCommandSpec().qualifiedName() + " --help' for more information.");
            return ExitCodes.USAGE;
        });
        return cli.execute(args);
    }
}
