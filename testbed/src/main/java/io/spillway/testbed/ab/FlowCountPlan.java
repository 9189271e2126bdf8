package io.spillway.testbed.ab;

import io.spillway.testbed.generator.GeneratorSpec;
import io.spillway.testbed.source.GeneratedFrames;

import java.util.List;

/**
 * The cells of one active-flow count: they replay the same generated frames (generated once), with offload off and
 * on, DPI off and on. Skipped, with the reason, when the memory they need is not there.
 *
 * @param spec           the traffic every cell of this flow count replays
 * @param cells          offload off/on x DPI off/on (DPI cells left out when DPI is not wanted)
 * @param estimatedBytes the most memory one cell needs at once (see {@link #estimate})
 * @param skipReason     why the cells are not run, or null
 */
public record FlowCountPlan(GeneratorSpec spec, List<AbCell> cells, long estimatedBytes, String skipReason)
{
    /** The emulated NIC's table: about 170 MB per million entries (docs/offload.md), allocated and zeroed up front. */
    static final long NIC_BYTES_PER_ENTRY = 170;
    /** The flow cache: a 64-byte entry and its index share per flow, committed as flows arrive. */
    static final long CACHE_BYTES_PER_FLOW = 96;
    /** The generator's window of active flows, on the heap while it generates. */
    static final long GENERATOR_BYTES_PER_FLOW = 16;
    /** The JVM, the rings and the harness. */
    static final long FIXED_BYTES = 512L << 20;

    /**
     * Memory a cell of this flow count may need at once, an upper bound: the frames, the NIC's table, the flow
     * cache and, with DPI, nDPI's state for every flow at once (a flow keeps it until classified or expired, and with
     * random payloads few are classified within a cell) plus the verdict tables.
     */
    static long estimate(final AbSettings settings, final GeneratorSpec spec, final int dpiBytesPerFlow)
    {
        final long flows = settings.flowsAtMost(spec.activeFlows());
        return GeneratedFrames.bytesNeeded(spec) +
            CellRunner.nicCapacity(settings, spec.activeFlows()) * NIC_BYTES_PER_ENTRY +
            flows * (CACHE_BYTES_PER_FLOW + dpiBytesPerFlow) +
            spec.activeFlows() * GENERATOR_BYTES_PER_FLOW +
            FIXED_BYTES;
    }

    public int activeFlows()
    {
        return spec.activeFlows();
    }

    public boolean skipped()
    {
        return skipReason != null;
    }
}
