package io.spillway.testbed.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** The {@code testbed} command: tools that prepare and run the benchmarks. Exit code 2 means bad usage. */
@Command(
    name = "testbed",
    description = "Spillway testbed: synthetic captures and benchmark harness.",
    subcommands = {GenerateCommand.class, AbCommand.class})
public final class TestbedMain implements Callable<Integer>
{
    @Spec
    private CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    private boolean help;

    public static void main(final String[] args)
    {
        System.exit(commandLine().execute(args));
    }

    /** The command line with every subcommand, ready to {@link CommandLine#execute}. */
    public static CommandLine commandLine()
    {
        return new CommandLine(new TestbedMain());
    }

    @Override
    public Integer call()
    {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand");
    }
}
