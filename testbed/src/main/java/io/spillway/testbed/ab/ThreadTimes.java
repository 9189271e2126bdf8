package io.spillway.testbed.ab;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * CPU time and run-queue wait of the probe's threads while they run, from the kernel's
 * {@code /proc/self/task/TID/schedstat} (time on a CPU, time waiting for one while runnable, time slices), so a
 * measurement window can start and end mid-run, which the threads' own CPU clocks (read as they end) cannot.
 * <p>
 * The wait is the evidence this harness needs on a small machine: a worker that waits on the run queue is not slow
 * but starved, and loss then comes from sharing the cores rather than from the work. The workers' voluntary context
 * switches ({@code status}) count how often they went to sleep idle and were woken: each costs CPU time that is no
 * packet's. Threads are told apart by the
 * name the kernel keeps (15 characters: "spillway-worker", "spillway-captur", "spillway-offloa"). Linux only: where
 * /proc cannot be read, {@link #available()} is false.
 */
final class ThreadTimes
{
    static final String WORKER = "spillway-worker";
    static final String CAPTURE = "spillway-captur";
    static final String OFFLOAD = "spillway-offloa";

    private static final Path TASKS = Path.of("/proc/self/task");

    /** Per thread id: its kernel name; its CPU time, run-queue wait (ns) and voluntary switches at the last sample. */
    private final Map<String, String> names = new HashMap<>();
    private final Map<String, long[]> times = new HashMap<>();
    private boolean available;

    /** The three roles' figures at one instant. */
    record Sample(long workerCpuNs, long workerWaitNs, long workerSleeps, long captureCpuNs, long captureWaitNs,
        long offloadCpuNs, long offloadWaitNs)
    {
    }

    /** Reads every probe thread's figures now and returns the sums by role. */
    Sample sample()
    {
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(TASKS))
        {
            for (final Path task : tasks)
            {
                final String tid = task.getFileName().toString();
                String name = names.get(tid);
                if (name == null)
                {
                    name = read(task.resolve("comm"));
                    if (name == null || !name.startsWith("spillway-"))
                    {
                        continue;
                    }
                    names.put(tid, name);
                }
                final String schedstat = read(task.resolve("schedstat"));
                if (schedstat != null)
                {
                    final String[] fields = schedstat.split(" ");
                    times.put(tid, new long[]{Long.parseLong(fields[0]), Long.parseLong(fields[1]),
                        voluntarySwitches(task)});
                    available = true;
                }
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            // No /proc, or a thread that ended while read: the figures stay as sampled so far.
        }
        return new Sample(sum(WORKER, 0), sum(WORKER, 1), sum(WORKER, 2), sum(CAPTURE, 0), sum(CAPTURE, 1),
            sum(OFFLOAD, 0), sum(OFFLOAD, 1));
    }

    /** True once a sample found a probe thread's schedstat. */
    boolean available()
    {
        return available;
    }

    private long sum(final String role, final int field)
    {
        long total = 0;
        for (final Map.Entry<String, long[]> entry : times.entrySet())
        {
            if (names.get(entry.getKey()).startsWith(role))
            {
                total += entry.getValue()[field];
            }
        }
        return total;
    }

    /** Times the thread gave up its CPU to wait (an idle park, a lock), from its status file; 0 if unknown. */
    private static long voluntarySwitches(final Path task)
    {
        final String status = read(task.resolve("status"));
        if (status == null)
        {
            return 0;
        }
        final int at = status.indexOf("\nvoluntary_ctxt_switches:");
        if (at < 0)
        {
            return 0;
        }
        final int start = status.indexOf(':', at) + 1;
        final int end = status.indexOf('\n', start);
        return Long.parseLong(status.substring(start, end < 0 ? status.length() : end).trim());
    }

    private static String read(final Path file)
    {
        try
        {
            return Files.readString(file).trim();
        }
        catch (final IOException ex)
        {
            return null;
        }
    }
}
