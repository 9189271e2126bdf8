package io.spillway.testbed.ab;

/**
 * A cell's figures over its {@link MeasurementWindow}: differences between the window's end and start.
 *
 * @param ns           wall time of the window
 * @param packets      packets offered to the NIC
 * @param nicDrops     of those, lost at the NIC (host ring full)
 * @param hwPackets    of those, counted in hardware
 * @param workerCpuNs  CPU time of the workers (all queues)
 * @param workerWaitNs time the workers waited for a CPU while runnable
 * @param workerSleeps  times the workers went to sleep (voluntary context switches: idle parks, mostly)
 */
record SteadyState(
    long ns,
    long packets,
    long nicDrops,
    long hwPackets,
    long workerCpuNs,
    long workerWaitNs,
    long workerSleeps,
    long captureCpuNs,
    long captureWaitNs,
    long offloadCpuNs,
    long offloadWaitNs)
{
    /** The window's figures, or null when it is incomplete (a cell too short, or no /proc). */
    static SteadyState of(final MeasurementWindow window)
    {
        if (!window.complete())
        {
            return null;
        }
        final MeasurementWindow.Point a = window.start();
        final MeasurementWindow.Point b = window.end();
        return new SteadyState(b.timeNs() - a.timeNs(), b.packets() - a.packets(), b.nicDrops() - a.nicDrops(),
            b.hwPackets() - a.hwPackets(),
            b.threads().workerCpuNs() - a.threads().workerCpuNs(),
            b.threads().workerWaitNs() - a.threads().workerWaitNs(),
            b.threads().workerSleeps() - a.threads().workerSleeps(),
            b.threads().captureCpuNs() - a.threads().captureCpuNs(),
            b.threads().captureWaitNs() - a.threads().captureWaitNs(),
            b.threads().offloadCpuNs() - a.threads().offloadCpuNs(),
            b.threads().offloadWaitNs() - a.threads().offloadWaitNs());
    }

    /** Packets offered in the window that reached the host. */
    long hostPackets()
    {
        return packets - hwPackets - nicDrops;
    }
}
