package io.spillway.testbed.generator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs tshark on a capture, as an independent reader of what the generator wrote. Every checksum is verified,
 * and every port is decoded as plain data: random payload on a port registered to some protocol would
 * otherwise be reported malformed by that protocol's dissector, which says nothing about our headers.
 */
final class Tshark
{
    private static final long TIMEOUT_SECONDS = 120;

    private Tshark()
    {
    }

    /** The output lines of tshark reading {@code capture} with the extra {@code arguments}. */
    static List<String> run(final Path capture, final String... arguments)
    {
        final List<String> command = new ArrayList<>(List.of(
            "tshark", "-n", "-r", capture.toString(),
            "-o", "ip.check_checksum:TRUE",
            "-o", "tcp.check_checksum:TRUE",
            "-o", "udp.check_checksum:TRUE",
            "-d", "tcp.port==1-65535,data",
            "-d", "udp.port==1-65535,data"));
        command.addAll(List.of(arguments));
        try
        {
            final Process process = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
            final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS))
            {
                process.destroyForcibly();
                throw new IllegalStateException("tshark did not finish: " + command);
            }
            if (process.exitValue() != 0)
            {
                throw new IllegalStateException("tshark exited with " + process.exitValue() + ": " + command);
            }

            return output.isEmpty() ? List.of() : List.of(output.split("\n"));
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }
}
