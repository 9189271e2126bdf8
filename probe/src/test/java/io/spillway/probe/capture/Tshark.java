package io.spillway.probe.capture;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The reference reader: runs tshark on a capture file and returns what it reports for every frame. Fails with a
 * clear message when tshark is not installed.
 */
public final class Tshark
{
    /** A frame as tshark sees it; {@code encapsulation} is Wireshark's number, see {@link #encapsulationOf}. */
    public record Frame(int capturedLength, int wireLength, long timestampNanos, int encapsulation, int interfaceId)
    {
    }

    private Tshark()
    {
    }

    public static List<Frame> frames(final Path file)
    {
        final List<String> command = List.of("tshark", "-n", "-r", file.toString(), "-T", "fields",
            "-e", "frame.cap_len", "-e", "frame.len", "-e", "frame.time_epoch", "-e", "frame.interface_id",
            "-e", "frame.encap_type");
        try
        {
            final Path errors = Files.createTempFile("tshark", ".err");
            try
            {
                final Process process = new ProcessBuilder(command)
                    .redirectError(errors.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .start();
                final List<Frame> frames = new ArrayList<>();
                try (BufferedReader reader =
                    new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)))
                {
                    String line;
                    while ((line = reader.readLine()) != null)
                    {
                        frames.add(parse(file, line));
                    }
                }
                final int exitCode = process.waitFor();
                if (exitCode != 0)
                {
                    throw new AssertionError("tshark failed on " + file + " (exit code " + exitCode + "): " +
                        Files.readString(errors).strip());
                }
                return frames;
            }
            finally
            {
                Files.deleteIfExists(errors);
            }
        }
        catch (final IOException ex)
        {
            if (ex.getMessage() != null && ex.getMessage().contains("Cannot run program"))
            {
                throw new AssertionError("tshark is not installed (Debian package tshark); the capture file " +
                    "tests use it as the reference reader", ex);
            }
            throw new UncheckedIOException(ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for tshark", ex);
        }
    }

    /** Parses tshark's frame.time_epoch, e.g. "1559207465.138576000", into nanoseconds without rounding. */
    public static long epochNanos(final String text)
    {
        final boolean negative = text.startsWith("-");
        final String unsigned = negative ? text.substring(1) : text;
        final int dot = unsigned.indexOf('.');
        final String seconds = dot < 0 ? unsigned : unsigned.substring(0, dot);
        final String fraction = dot < 0 ? "" : unsigned.substring(dot + 1);
        if (fraction.length() > 9)
        {
            throw new IllegalArgumentException("finer than a nanosecond: " + text);
        }
        final long nanos = Long.parseLong(seconds) * 1_000_000_000L +
            (fraction.isEmpty() ? 0 : Long.parseLong(fraction + "0".repeat(9 - fraction.length())));
        return negative ? -nanos : nanos;
    }

    /**
     * The Wireshark encapsulation number (wiretap WTAP_ENCAP_*) tshark reports for a LINKTYPE_* value. The map
     * goes this way because several link types share one encapsulation (all three RAW values, both PPP values).
     */
    public static int encapsulationOf(final int linkType)
    {
        return switch (linkType)
        {
            case LinkType.NULL -> 15;
            case LinkType.ETHERNET -> 1;
            case LinkType.PPP, LinkType.PPP_HDLC -> 4;
            case LinkType.RAW_OPENBSD, LinkType.RAW_BSD, LinkType.RAW -> 7;
            case LinkType.C_HDLC -> 28;
            case LinkType.LOOP -> 174;
            case LinkType.LINUX_SLL -> 25;
            case LinkType.IPV4 -> 129;
            case LinkType.IPV6 -> 130;
            case LinkType.LINUX_SLL2 -> 210;
            default -> throw new IllegalArgumentException("Wireshark encapsulation of link type " + linkType +
                " not known; add it to Tshark.encapsulationOf");
        };
    }

    private static Frame parse(final Path file, final String line)
    {
        final String[] fields = line.split("\t", -1);
        if (fields.length != 5)
        {
            throw new AssertionError("unexpected tshark line for " + file + ": " + line);
        }
        return new Frame(
            Integer.parseInt(fields[0]),
            Integer.parseInt(fields[1]),
            epochNanos(fields[2]),
            Integer.parseInt(fields[4]),
            fields[3].isEmpty() ? 0 : Integer.parseInt(fields[3]));
    }
}
