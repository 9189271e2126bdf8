package io.spillway.device;

import io.spillway.offload.FlowOffload;
import org.agrona.concurrent.Agent;

import java.util.List;

/**
 * A device the pipeline receives from, opened by name through its {@link DeviceProvider}: N receive queues (one per
 * worker), optionally a transmit queue per receive queue, optionally a flow table ({@link FlowOffload}), and
 * counters of its own. A multi-queue device (AF_PACKET fanout, a NIC's RSS queues) gives each worker its queue
 * directly; a single-stream one (capture files) brings a dispatcher thread, one of its {@link #agents()}, that
 * parses each packet once and spreads the stream over the queues.
 * <p>
 * Threads: each receive queue is polled by its worker; the flow table is driven by the pipeline's offload thread
 * (see {@link FlowOffload}); {@link #agents()} run on threads of their own; {@link #stop()} may come from any
 * thread; {@link #close()} after every thread has stopped.
 */
public interface Device extends AutoCloseable
{
    /** The backend's name, as the command line spells it. */
    String name();

    int queues();

    /** Receive queue {@code queue}, 0 to {@link #queues()} - 1. */
    RxQueue rxQueue(int queue);

    /** The transmit queue paired with receive queue {@code queue}, or null when the device cannot transmit. */
    default TxQueue txQueue(final int queue)
    {
        return null;
    }

    /** The device's flow table, or null when it has none or the spec did not ask for it. */
    default FlowOffload offload()
    {
        return null;
    }

    /** Threads the device needs beside the workers (a single stream's dispatcher); the pipeline runs them. */
    default List<Agent> agents()
    {
        return List.of();
    }

    /**
     * Stops receiving (an operator's signal): every receive queue then delivers what it already holds and ends.
     * Any thread; idempotent.
     */
    void stop();

    /**
     * The device's line for the end-of-run summary, what it counted in its own words (its counters are in the
     * spec's {@link Counters}, the standard ones under {@link DeviceCounters}' type ids), or null for none.
     */
    String summary();

    /** Bytes of a finite input read so far, for the progress line; 0 when not known. */
    default long bytesRead()
    {
        return 0;
    }

    /** Bytes of a finite input in all, -1 when unknown (a live link). */
    default long bytesTotal()
    {
        return -1;
    }

    /** Inputs that ended early (a damaged file, an interface that went away), in the order found. */
    List<InputProblem> problems();

    /** Releases the device, after every thread using it has stopped. Idempotent. */
    @Override
    void close();
}
