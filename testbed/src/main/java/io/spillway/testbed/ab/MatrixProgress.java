package io.spillway.testbed.ab;

import io.spillway.probe.pipeline.Probe;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * What the operator sees while the matrix runs: the cell (i/N and its name), how far its replay is, the cell's and
 * the whole matrix's elapsed time. On a terminal one line is redrawn a few times a second; otherwise (a log) one
 * line when a cell starts and one when it ends.
 */
final class MatrixProgress
{
    private final PrintWriter out;
    private final boolean terminal;
    private final int cells;
    private final long matrixStartNs;
    private int cell;
    private String name = "";
    private long packets;

    MatrixProgress(final PrintWriter out, final boolean terminal, final int cells)
    {
        this.out = out;
        this.terminal = terminal;
        this.cells = cells;
        this.matrixStartNs = System.nanoTime();
    }

    /** A step outside any cell (generating traffic). */
    void note(final String text)
    {
        clear();
        out.printf(Locale.ROOT, "[%6.1f s] %s%n", elapsedSeconds(), text);
        out.flush();
    }

    /** The listener of the cell starting now. */
    Probe.ProgressListener startCell(final AbCell next, final long cellPackets)
    {
        cell++;
        name = next.name();
        packets = cellPackets;
        if (!terminal)
        {
            out.printf(Locale.ROOT, "[%6.1f s] cell %d/%d %s%n", elapsedSeconds(), cell, cells, name);
            out.flush();
            return null;
        }
        return (packetsRead, bytesRead, bytesTotal, elapsedNs) ->
        {
            out.printf(Locale.ROOT, "\r\033[Kcell %d/%d  %s  %5.1f%% of %,d packets  cell %.1f s  matrix %.1f s",
                cell, cells, name, 100.0 * packetsRead / packets, packets, elapsedNs / 1e9, elapsedSeconds());
            out.flush();
        };
    }

    void endCell(final CellResult result)
    {
        clear();
        out.printf(Locale.ROOT, "[%6.1f s] cell %d/%d %s: host CPU %.1f%%, to host %.2f%%, loss %.2f%%%s%n",
            elapsedSeconds(), cell, cells, name, result.hostCpuPercent(), result.hostPercent(), result.lossPercent(),
            result.exact() ? "" : ", NOT EXACT: " + result.exactnessProblem());
        out.flush();
    }

    double elapsedSeconds()
    {
        return (System.nanoTime() - matrixStartNs) / 1e9;
    }

    private void clear()
    {
        if (terminal)
        {
            out.print("\r\033[K");
        }
    }
}
