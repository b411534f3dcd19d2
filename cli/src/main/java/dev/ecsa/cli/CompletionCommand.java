package dev.ecsa.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code ecsa completion bash|zsh}: the shell completion script, generated from the commands themselves. */
@Command(name = "completion", mixinStandardHelpOptions = true,
        description = {"Print the shell completion script for bash or zsh.",
            "bash: source <(ecsa completion bash)   (or save it in /etc/bash_completion.d/ecsa)",
            "zsh:  source <(ecsa completion zsh)    (in ~/.zshrc)"})
final class CompletionCommand implements Callable<Integer> {

    /** The shells the script supports. */
    enum Shell { bash, zsh }

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SHELL", description = "bash or zsh.")
    Shell shell;

    @Override
    public Integer call() {
        CommandLine root = spec.root().commandLine();
        String script = AutoComplete.bash("ecsa", root);
        StringBuilder out = new StringBuilder();
        if (shell == Shell.zsh) {
            // picocli's script is bash; zsh runs it through its bash completion layer.
            out.append("autoload -U +X compinit && compinit\n");
            out.append("autoload -U +X bashcompinit && bashcompinit\n");
        }
        out.append(script);
        spec.commandLine().getOut().print(out);
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
    }
}
