package io.spillway.device;

/**
 * What every device reports ({@link DeviceCounters}), read from the counters at one instant.
 *
 * @param packetsToHost   packets the device delivered to the workers' queues
 * @param drops           packets lost at the device before a worker saw them (a full ring), counted as loss
 * @param dropBytes       their frame bytes, when the device knows them (0 otherwise)
 * @param hardwarePackets packets the device's flow table handled without the host (counted, dropped, forwarded)
 * @param hardwareBytes   their frame bytes
 * @param summary         the device's line for the end-of-run summary (what it counted, in its own words), or null
 */
public record DeviceStats(
    long packetsToHost, long drops, long dropBytes, long hardwarePackets, long hardwareBytes, String summary)
{
}
