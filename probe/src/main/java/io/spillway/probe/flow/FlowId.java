package io.spillway.probe.flow;

/**
 * The handle an offload device keeps for a host flow, its flowId: the worker queue, the flow cache slot and the
 * slot's generation, never 0. Events about the flow carry it back, so they reach the owning worker by the queue bits
 * and the entry without a lookup, and the generation tells a late event about an earlier flow of a recycled slot.
 * The paper's "flowId = address of the host entry", made safe.
 * <p>
 * Layout: bits 0..31 slot + 1 (so never 0), bits 32..39 generation, bits 40..55 queue.
 */
public final class FlowId
{
    private static final int GENERATION_SHIFT = 32;
    private static final int QUEUE_SHIFT = 40;

    private FlowId()
    {
    }

    public static long of(final int queue, final int slot, final int generation)
    {
        return (long)(queue & 0xFFFF) << QUEUE_SHIFT | (long)(generation & 0xFF) << GENERATION_SHIFT |
            (slot + 1L);
    }

    public static int queue(final long flowId)
    {
        return (int)(flowId >>> QUEUE_SHIFT) & 0xFFFF;
    }

    public static int slot(final long flowId)
    {
        return (int)flowId - 1;
    }

    public static int generation(final long flowId)
    {
        return (int)(flowId >>> GENERATION_SHIFT) & 0xFF;
    }
}
