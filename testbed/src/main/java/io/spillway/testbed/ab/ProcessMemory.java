package io.spillway.testbed.ab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * This process's resident memory from {@code /proc/self/status} (Linux), to measure what a cell adds: the peak
 * (VmHWM) is reset to the current size before the cell ({@code /proc/self/clear_refs}, value 5), so after it the
 * peak less the size before is the most the cell had resident at once. -1 where /proc cannot be read or reset.
 */
final class ProcessMemory
{
    private static final Path STATUS = Path.of("/proc/self/status");
    private static final Path CLEAR_REFS = Path.of("/proc/self/clear_refs");

    private ProcessMemory()
    {
    }

    /** Resets the peak to the current size; false when the kernel does not let us. */
    static boolean resetPeak()
    {
        try
        {
            Files.writeString(CLEAR_REFS, "5");
            return true;
        }
        catch (final IOException | SecurityException ex)
        {
            return false;
        }
    }

    static long residentBytes()
    {
        return field("VmRSS:");
    }

    static long peakResidentBytes()
    {
        return field("VmHWM:");
    }

    /** MemAvailable from /proc/meminfo: what can be had without swapping; -1 if unknown. */
    static long availableBytes()
    {
        return meminfo("MemAvailable:");
    }

    /** A field of /proc/meminfo in bytes, e.g. "MemTotal:"; -1 if unknown. */
    static long meminfo(final String name)
    {
        return field(Path.of("/proc/meminfo"), name);
    }

    private static long field(final String name)
    {
        return field(STATUS, name);
    }

    private static long field(final Path file, final String name)
    {
        try
        {
            for (final String line : Files.readAllLines(file))
            {
                if (line.startsWith(name))
                {
                    return kilobytes(line);
                }
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            return -1;
        }
        return -1;
    }

    /** "VmRSS:	  123456 kB" -> bytes. */
    private static long kilobytes(final String line)
    {
        final String[] parts = line.trim().split("\\s+");
        return Long.parseLong(parts[1]) * 1024;
    }
}
