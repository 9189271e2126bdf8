package io.spillway.probe.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Runs {@code spillway probe} in this JVM, as an operator would from a shell, and keeps what it printed: for the
 * command line's tests here and in the backends' modules.
 *
 * @param exit   the exit code
 * @param stderr the messages and the summary
 * @param stdout the help, or records exported to json:-
 */
public record CommandRun(int exit, String stderr, String stdout)
{
    public static CommandRun of(final String... args)
    {
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final PrintStream savedErr = System.err;
        final PrintStream savedOut = System.out;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        int exit = -1;
        try
        {
            exit = ProbeCommand.commandLine().execute(args);
        }
        finally
        {
            System.setErr(savedErr);
            System.setOut(savedOut);
        }
        return new CommandRun(exit, err.toString(StandardCharsets.UTF_8), out.toString(StandardCharsets.UTF_8));
    }

    /** The value of a numeric field of a JSON line, 0 when the line does not have it. */
    public static long field(final String line, final String name)
    {
        final int at = line.indexOf("\"" + name + "\":");
        if (at < 0)
        {
            return 0;
        }
        int end = at + name.length() + 3;
        while (end < line.length() && Character.isDigit(line.charAt(end)))
        {
            end++;
        }
        return Long.parseLong(line.substring(at + name.length() + 3, end));
    }
}
