package io.spillway.probe.pipeline;

/**
 * One worker's DPI figures at the end of a run.
 *
 * @param flowsInspected   flows that got a DPI state
 * @param detected         flows classified by dissection
 * @param guessed          flows given up on with a guess (port or address)
 * @param unknown          flows given up on with nothing
 * @param packetsInspected packets fed to the classifier
 * @param notInspected     flows not inspected because every DPI state was in use
 * @param liveStatesAtEnd  DPI states still held at the end: zero when nothing leaked
 */
public record DpiStats(
    long flowsInspected,
    long detected,
    long guessed,
    long unknown,
    long packetsInspected,
    long notInspected,
    long liveStatesAtEnd)
{
    public DpiStats plus(final DpiStats other)
    {
        return other == null ? this : new DpiStats(flowsInspected + other.flowsInspected, detected + other.detected,
            guessed + other.guessed, unknown + other.unknown, packetsInspected + other.packetsInspected,
            notInspected + other.notInspected, liveStatesAtEnd + other.liveStatesAtEnd);
    }
}
