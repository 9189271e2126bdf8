package io.spillway.offload;

/**
 * Receives device events from {@link FlowOffload#poll}, on the thread that polls, with primitive arguments (no
 * event objects). Handlers may call {@link FlowOffload#learn} and {@link FlowOffload#unlearn} from a callback.
 * <p>
 * Direction: "forward" is the direction of the key as learned (its {@code src} to its {@code dst}); "reverse" is
 * the other one. Counters are totals since the learn of the packets the device consumed (counted, dropped
 * or forwarded), never including packets it delivered to the host. Bytes are layer-2 frame bytes as the
 * device received them (the {@code frameLength} of the emulated receive path).
 */
public interface OffloadEventHandler
{
    /** The flow is in the hardware table: the device handles its packets from now on (after its buffer delay). */
    void onLearnDone(long flowId);

    /** The accepted learn failed (a {@link LearnResult} cause): the flow stays with the host; nothing follows. */
    void onLearnFailed(long flowId, int cause);

    /**
     * The flow left the hardware table; the last event about this flowId.
     *
     * @param cause          an {@link ExpiryCause}
     * @param lastSeenNs     device time of the flow's last packet seen by the device, 0 when it saw none
     * @param forwardTcpFlags OR of the TCP flags of the forward-direction packets the device consumed
     */
    void onFlowExpired(
        long flowId, int cause,
        long forwardPackets, long forwardBytes, long reversePackets, long reverseBytes,
        int forwardTcpFlags, int reverseTcpFlags, long lastSeenNs);
}
