package io.spillway.offload;

/**
 * A device that holds a flow table and handles the packets of the flows the host hands it: the SPI every offload
 * backend implements (emulated SmartNIC, Napatech NTAPI, DPDK rte_flow, XDP).
 *
 * <h2>Threads</h2>
 * {@link #learn}, {@link #unlearn}, {@link #poll}, {@link #drain} and {@link #close} are called from one thread, the
 * OffloadAgent, never concurrently. {@link #capabilities} and {@link #name} may be called from any thread. A
 * device's receive path (packets, the host rings) runs on other threads and is the backend's own API.
 *
 * <h2>Learning is asynchronous</h2>
 * {@code learn} returns at once with {@link LearnResult#ACCEPTED} or a refusal cause. A refused learn produces no
 * event. An accepted learn produces exactly one event about its flowId: LEARN_DONE or LEARN_FAILED. A learn may
 * cost the calling thread time (programming one rule takes microseconds on real cards): that is why only the
 * OffloadAgent calls it, never a packet worker.
 *
 * <h2>Every learned flow ends with exactly one FLOW_EXPIRED</h2>
 * After LEARN_DONE the device owns the flow until exactly one FLOW_EXPIRED about its flowId, whatever ends it:
 * idle timeout, TCP end, {@link #unlearn}, or {@link #drain}. The counters in FLOW_EXPIRED are the totals since the
 * learn of what the device consumed, so for every flow, host packets + FLOW_EXPIRED packets = packets offered.
 * Nothing else about the flowId follows FLOW_EXPIRED or LEARN_FAILED: the flowId is then free.
 *
 * <h2>Order</h2>
 * Events of different flows come in any order. A backend whose results and expiries travel on two device channels
 * may deliver a flow's FLOW_EXPIRED before its LEARN_DONE (the emulated one does only with fault injection): a
 * FLOW_EXPIRED implies the learn succeeded. The host must not assume per-flow order beyond that.
 *
 * <h2>Duplicates</h2>
 * Exactly-once holds for every backend in normal operation. The emulated backend's fault injection can deliver an
 * event twice (same flowId, same kind, same arguments) to test the host: the host must ignore an event for a
 * flowId that is not in the state the event expects, which a generation in the flowId makes cheap to check.
 *
 * <h2>Shutdown</h2>
 * {@link #drain} ends every live flow (cause {@link ExpiryCause#DRAIN}) and makes every pending event deliverable;
 * then {@code poll} until it returns 0 delivers the rest, and {@link #close} releases the device. Closing without
 * draining loses the counters of live flows.
 */
public interface FlowOffload extends AutoCloseable
{
    /** The backend's name as the command line spells it, e.g. {@code emulated}. */
    String name();

    OffloadCapabilities capabilities();

    /**
     * Asks the device to take over a flow. The request holder may be reused as soon as this returns.
     *
     * @return {@link LearnResult#ACCEPTED} (one LEARN_DONE or LEARN_FAILED follows), or the {@link LearnResult}
     * cause of an immediate refusal (no event follows): INVALID for a malformed request or a flowId that is still
     * live on the device, RATE_EXCEEDED over the learning rate, DEVICE_ERROR once drained or closed
     */
    int learn(LearnRequest request);

    /**
     * Asks the device to give a flow back. When the flowId is live (learned, not yet expired or unlearned), its
     * FLOW_EXPIRED with cause {@link ExpiryCause#SOFTWARE_UNLEARN} and final counters follows; packets the device
     * already took in before the call are still counted there.
     *
     * @return false when the device knows no live flow with this flowId (never learned, learn failed, already
     * expired or unlearned): no event follows from this call. A backend that cannot tell returns true.
     */
    boolean unlearn(long flowId);

    /**
     * Delivers up to {@code limit} pending events to {@code handler}, in order.
     *
     * @return the number of events delivered; 0 after {@link #drain} means every event has been delivered
     */
    int poll(OffloadEventHandler handler, int limit);

    /**
     * Ends every live flow with cause {@link ExpiryCause#DRAIN} (including flows being unlearned, which keep their
     * cause) and makes every pending event deliverable at once. Learns are refused afterwards
     * ({@link LearnResult#DEVICE_ERROR}) and packets go to the host. Call {@link #poll} until it returns 0.
     */
    void drain();

    /** Releases the device. Events not yet polled are dropped. Idempotent. */
    @Override
    void close();
}
