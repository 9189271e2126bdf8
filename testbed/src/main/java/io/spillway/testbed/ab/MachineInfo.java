package io.spillway.testbed.ab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** The machine a matrix ran on, for the report: results mean little without it. */
record MachineInfo(int cores, long memoryBytes, long availableBytes, String cpuModel, String kernel, String jdk)
{
    static MachineInfo current()
    {
        return new MachineInfo(
            Runtime.getRuntime().availableProcessors(),
            ProcessMemory.meminfo("MemTotal:"),
            ProcessMemory.availableBytes(),
            readCpuModel(),
            System.getProperty("os.name") + " " + System.getProperty("os.version") + " " +
                System.getProperty("os.arch"),
            System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version") + " (" +
                System.getProperty("java.vendor") + ")");
    }

    String describe()
    {
        return String.format(Locale.ROOT, "%d cores (%s), %.1f GiB memory (%.1f GiB available at the start), %s, %s",
            cores, cpuModel, memoryBytes / (double)(1L << 30), availableBytes / (double)(1L << 30), kernel, jdk);
    }

    private static String readCpuModel()
    {
        try
        {
            for (final String line : Files.readAllLines(Path.of("/proc/cpuinfo")))
            {
                if (line.startsWith("model name"))
                {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        }
        catch (final IOException ex)
        {
            return "unknown CPU";
        }
        return "unknown CPU";
    }
}
