package io.spillway.probe.flow;

/**
 * Told by the flow cache's sweep that an offloaded flow's record is due at the active timeout. The device holds the
 * flow's counters and has no active timeout of its own, so the flow is taken back (unlearned) and its record
 * exported when the device's final counters arrive ({@link FlowCache#renewOffloaded}); it is then offloaded again.
 */
@FunctionalInterface
public interface OffloadedActiveTimeout
{
    /**
     * @param slot the OFFLOADED flow whose record is due
     * @return true when the flow is being taken back; false to be asked again on the next sweep (no room to ask now)
     */
    boolean onDue(int slot);
}
