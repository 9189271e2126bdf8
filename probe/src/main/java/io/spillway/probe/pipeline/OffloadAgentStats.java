package io.spillway.probe.pipeline;

/**
 * What the OffloadAgent did.
 *
 * @param learnCalls          learns programmed into the device (each costs the device's programming time)
 * @param learnsAccepted      learns the device took; each got a LEARN_DONE or LEARN_FAILED event
 * @param unlearnCalls        unlearns programmed (at shutdown)
 * @param unlearnsOfLiveFlows unlearns of flows still on the device (the others had already expired)
 * @param eventsRouted        results and device events written to the workers' result rings
 * @param eventsNotRouted     device events whose flowId named no worker (none unless a device misbehaves)
 * @param resultRingFullWaits times the agent found a worker's result ring full and waited
 * @param cpuNanos            CPU time of the agent's thread
 */
public record OffloadAgentStats(
    long learnCalls,
    long learnsAccepted,
    long unlearnCalls,
    long unlearnsOfLiveFlows,
    long eventsRouted,
    long eventsNotRouted,
    long resultRingFullWaits,
    long cpuNanos)
{
}
