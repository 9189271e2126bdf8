package io.spillway.probe.cli;

import io.spillway.probe.pipeline.Probe;

import java.io.PrintStream;
import java.util.Locale;

/** A one-line progress display on a terminal: percent of input read and the packet rate. */
final class ProgressLine implements Probe.ProgressListener
{
    private final PrintStream out;
    private long lastPackets;
    private long lastElapsedNs;
    private boolean shown;

    ProgressLine(final PrintStream out)
    {
        this.out = out;
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
        out.printf(Locale.ROOT, "\r%s  %s packets  %.2f Mpps ", percent, RunSummary.n(packetsRead), rate / 1e6);
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
