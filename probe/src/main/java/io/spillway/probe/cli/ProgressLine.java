package io.spillway.probe.cli;

import io.spillway.probe.pipeline.Probe;
import io.spillway.probe.pipeline.ProbeCounters;

import java.io.PrintStream;
import java.util.Locale;

/** A one-line progress display on a terminal: percent of input read, the packet rate, and any loss at the device. */
final class ProgressLine implements Probe.ProgressListener
{
    private final PrintStream out;
    private final ProbeCounters counters;
    private long lastPackets;
    private long lastElapsedNs;
    private boolean shown;

    ProgressLine(final PrintStream out, final ProbeCounters counters)
    {
        this.out = out;
        this.counters = counters;
    }

    @Override
    public void onProgress(final long packetsRead, final long bytesRead, final long bytesTotal, final long elapsedNs)
    {
        final long interval = elapsedNs - lastElapsedNs;
        final double rate = interval > 0 ? (packetsRead - lastPackets) * 1e9 / interval : 0;
        lastPackets = packetsRead;
        lastElapsedNs = elapsedNs;
        final String percent = bytesTotal > 0 ?
            String.format(Locale.ROOT, "%5.1f%%", 100.0 * bytesRead / bytesTotal) : "     ";
        final long drops = counters.deviceDrops();
        out.printf(Locale.ROOT, "\r%s  %s packets  %.2f Mpps%s ", percent, RunSummary.n(packetsRead), rate / 1e6,
            drops > 0 ? "  " + RunSummary.n(drops) + " dropped" : "");
        out.flush();
        shown = true;
    }

    /** Erases the line so the summary starts on a clean one. */
    void clear()
    {
        if (shown)
        {
            out.print("\r\033[K");
            out.flush();
        }
    }
}
