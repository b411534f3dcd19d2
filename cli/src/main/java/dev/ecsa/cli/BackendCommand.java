package dev.ecsa.cli;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

/**
 * What every command that talks to a deployment and prints shares: the root command (environment, clock, global
 * options) and its own backend and output options, which take precedence over the global ones.
 */
abstract class BackendCommand {

    @ParentCommand
    EcsaCli root;

    @Mixin
    BackendOptions backend;

    @Mixin
    OutputOptions output;
}
