package io.spillway.testbed.ab;

import io.spillway.probe.dpi.DpiUntil;
import io.spillway.testbed.generator.GeneratorSpec;
import io.spillway.testbed.generator.PayloadKind;
import io.spillway.testbed.source.ReplaySource;

/**
 * What every cell of a matrix shares.
 *
 * @param packetsPerSecond     the offered load: the generator's rate, and the pace of the replay
 * @param maxRate              replay as fast as the capture thread takes packets, losslessly (the NIC waits for the
 *                             host): a measure of cost per packet, not of loss
 * @param pacing               how a paced replay waits for the next packet
 * @param warmupSeconds        traffic offered first, left out of the headline figures: the cold start, when every
 *                             active flow is new to the probe at once; negative: one flow lifetime (see
 *                             {@link #warmupSeconds(int)})
 * @param seconds              traffic offered after the warm-up, whose steady state the headline figures describe
 * @param queues               worker threads (NIC receive queues)
 * @param seed                 the generator's seed: every cell of a flow count replays the same frames
 * @param frameSize            frame bytes (the paper's Table I: 60)
 * @param udpShare             share of UDP flows (the rest TCP)
 * @param flowLifetimeSeconds  new flows per second = active flows / this, unless {@code newFlowsPerSecond} is set
 * @param newFlowsPerSecond    a fixed number of new flows per second for every cell, or 0 for the lifetime rule
 * @param nicLearnRate         the emulated NIC's learns per second
 * @param nicProgrammingCostNs what each learn or unlearn costs the offload thread (a busy wait)
 * @param payload              random (nothing for DPI to recognise: it inspects every flow to its packet budget, the
 *                             paper's worst case) or realistic (protocol openings DPI classifies at a flow's first
 *                             packet, so that DPI hands flows to the offload early)
 * @param dpiUntil             the probe's {@code --dpi-until}: inspect a flow until nDPI's verdict is final, or only
 *                             until its application is known
 */
public record AbSettings(
    long packetsPerSecond,
    boolean maxRate,
    ReplaySource.Pacing pacing,
    double warmupSeconds,
    double seconds,
    int queues,
    long seed,
    int frameSize,
    double udpShare,
    double flowLifetimeSeconds,
    double newFlowsPerSecond,
    long nicLearnRate,
    long nicProgrammingCostNs,
    PayloadKind payload,
    DpiUntil dpiUntil)
{
    /** The probe's threads with offload: capture, one worker per queue, offload, export. */
    private static final int THREADS_BESIDES_WORKERS = 3;

    public AbSettings
    {
        if (pacing == null || payload == null || dpiUntil == null)
        {
            throw new IllegalArgumentException("no pacing, payload or --dpi-until");
        }
        if (packetsPerSecond < 1 || !(seconds > 0) || Double.isNaN(warmupSeconds) || queues < 1 ||
            !(flowLifetimeSeconds > 0) ||
            newFlowsPerSecond < 0 || nicLearnRate < 1 || nicProgrammingCostNs < 0)
        {
            throw new IllegalArgumentException("invalid A/B settings: " + this);
        }
    }

    /** The longest automatic warm-up: beyond it a cell would take minutes. */
    public static final double MAX_AUTOMATIC_WARMUP_SECONDS = 10;

    /**
     * The warm-up of a cell of {@code activeFlows}: as set, or one flow lifetime (at most
     * {@value #MAX_AUTOMATIC_WARMUP_SECONDS} s), so that every flow alive after it was born at the steady rate and
     * none is left from the cold start.
     */
    public double warmupSeconds(final int activeFlows)
    {
        if (warmupSeconds >= 0)
        {
            return warmupSeconds;
        }
        return Math.min(MAX_AUTOMATIC_WARMUP_SECONDS, activeFlows / newFlowsPerSecond(activeFlows));
    }

    /** Packets offered per cell of {@code activeFlows}: the warm-up's and the measured traffic's. */
    public long packets(final int activeFlows)
    {
        return Math.max(1, Math.round(packetsPerSecond * (warmupSeconds(activeFlows) + seconds)));
    }

    /** Packets of the warm-up. */
    public long warmupPackets(final int activeFlows)
    {
        return Math.round(packetsPerSecond * warmupSeconds(activeFlows));
    }

    /** The traffic of a cell of {@code activeFlows}: IPv4 only, the warm-up and the measured seconds at the rate. */
    public GeneratorSpec spec(final int activeFlows)
    {
        return new GeneratorSpec(packets(activeFlows), activeFlows, newFlowsPerSecond(activeFlows), frameSize,
            packetsPerSecond, seed, 0, udpShare).withPayload(payload);
    }

    /** New flows per second for a cell of {@code activeFlows}: fixed, or the lifetime rule. */
    public double newFlowsPerSecond(final int activeFlows)
    {
        return newFlowsPerSecond > 0 ? newFlowsPerSecond : activeFlows / flowLifetimeSeconds;
    }

    /** Flows a cell can see at most: those active at its start and those started during it, at most one a packet. */
    public long flowsAtMost(final int activeFlows)
    {
        return spec(activeFlows).flowsAtMost();
    }

    /**
     * Busy polling when a core is there for it (more cores than the probe has threads); otherwise bursts, as the
     * probe's own threads park at once when they outnumber the cores: a spinning capture thread would take the
     * workers' core, and the loss measured would be the harness's.
     */
    public static ReplaySource.Pacing automaticPacing(final int queues, final int cores)
    {
        return cores > queues + THREADS_BESIDES_WORKERS ? ReplaySource.Pacing.BUSY : ReplaySource.Pacing.BURST;
    }
}
