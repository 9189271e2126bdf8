package io.spillway.capture.reference;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a reference tool (tshark, nfdump, ndpiReader, ...) and returns its standard output. */
public final class ExternalTool
{
    private ExternalTool()
    {
    }

    public static String run(final List<String> command)
    {
        try
        {
            final Path stderr = Files.createTempFile("spillway-tool", ".err");
            final Process process = new ProcessBuilder(command).redirectError(stderr.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            final String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(10, TimeUnit.MINUTES))
            {
                process.destroyForcibly();
                throw new IllegalStateException("timed out: " + command);
            }
            final String err = Files.readString(stderr);
            Files.deleteIfExists(stderr);
            if (process.exitValue() != 0)
            {
                throw new IllegalStateException(command + " exited with " + process.exitValue() + ": " + err);
            }
            return out;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot run " + command.get(0) + ": the tests use it as an independent " +
                "reference; install it (./spillway test installs the Debian packages it needs)", ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    public static List<String> lines(final List<String> command)
    {
        final List<String> lines = new ArrayList<>();
        for (final String line : run(command).split("\n"))
        {
            if (!line.isBlank())
            {
                lines.add(line);
            }
        }
        return lines;
    }
}
