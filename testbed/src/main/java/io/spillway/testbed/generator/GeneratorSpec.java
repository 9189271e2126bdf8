package io.spillway.testbed.generator;

import java.util.Objects;

/**
 * The parameters of a synthetic capture; {@link TrafficGenerator} describes the traffic they produce.
 *
 * @param packets           frames to generate, at least 1.
 * @param activeFlows       flows in the sliding window at every instant, in [1, {@link #MAX_ACTIVE_FLOWS}].
 * @param newFlowsPerSecond flows started per second of capture time, each replacing the oldest; above 0.
 * @param frameSize         bytes per frame, captured and on the wire, in [{@link #MIN_FRAME_SIZE},
 *                          {@link #MAX_FRAME_SIZE}]; a flow whose headers are longer uses its minimum frame.
 *                          With a mix of sizes, the smallest of them.
 * @param packetsPerSecond  packets per second of capture time, in [1, {@link #MAX_PACKETS_PER_SECOND}].
 * @param seed              selects the capture: the same spec always gives the same bytes.
 * @param ipv6Share         probability that a flow is IPv6 rather than IPv4, in [0, 1].
 * @param udpShare          probability that a flow is UDP rather than TCP, in [0, 1].
 * @param frameMix          the frame size drawn per packet; null for {@code frameSize} alone. Set it with
 *                          {@link #withFrameMix}, which keeps {@code frameSize} its smallest size.
 * @param popularity        how packets pick a flow of the window; null for {@link Popularity#UNIFORM}.
 * @param payload           what follows the headers; null for {@link PayloadKind#RANDOM}.
 */
public record GeneratorSpec(
    long packets,
    int activeFlows,
    double newFlowsPerSecond,
    int frameSize,
    long packetsPerSecond,
    long seed,
    double ipv6Share,
    double udpShare,
    FrameMix frameMix,
    Popularity popularity,
    PayloadKind payload)
{
    /** The shortest Ethernet frame without its frame check sequence. */
    public static final int MIN_FRAME_SIZE = 60;
    /** A jumbo frame. */
    public static final int MAX_FRAME_SIZE = 9000;
    /** Five times the largest table in the paper; the window costs 16 bytes of heap per flow. */
    public static final int MAX_ACTIVE_FLOWS = 100_000_000;
    /** Timestamps have nanosecond resolution, so faster packets would share a timestamp. */
    public static final long MAX_PACKETS_PER_SECOND = 1_000_000_000L;
    /** Flow serial numbers are spread over 46 address bits, which keeps every 5-tuple of a capture unique. */
    public static final long MAX_FLOWS = 1L << 46;
    /** Payload bytes a TLS ClientHello or HTTP request opening takes at most, with the bundled server names. */
    public static final int LONGEST_TCP_OPENING = 512;

    public GeneratorSpec
    {
        if (packets < 1)
        {
            throw new IllegalArgumentException("packets must be at least 1: " + packets);
        }
        if (activeFlows < 1 || activeFlows > MAX_ACTIVE_FLOWS)
        {
            throw new IllegalArgumentException(
                "activeFlows must be in [1, " + MAX_ACTIVE_FLOWS + "]: " + activeFlows);
        }
        if (!(newFlowsPerSecond > 0) || Double.isInfinite(newFlowsPerSecond))
        {
            throw new IllegalArgumentException("newFlowsPerSecond must be above 0 and finite: " + newFlowsPerSecond);
        }
        if (frameSize < MIN_FRAME_SIZE || frameSize > MAX_FRAME_SIZE)
        {
            throw new IllegalArgumentException(
                "frameSize must be in [" + MIN_FRAME_SIZE + ", " + MAX_FRAME_SIZE + "]: " + frameSize);
        }
        if (packetsPerSecond < 1 || packetsPerSecond > MAX_PACKETS_PER_SECOND)
        {
            throw new IllegalArgumentException(
                "packetsPerSecond must be in [1, " + MAX_PACKETS_PER_SECOND + "]: " + packetsPerSecond);
        }
        if (!(ipv6Share >= 0 && ipv6Share <= 1))
        {
            throw new IllegalArgumentException("ipv6Share must be in [0, 1]: " + ipv6Share);
        }
        if (!(udpShare >= 0 && udpShare <= 1))
        {
            throw new IllegalArgumentException("udpShare must be in [0, 1]: " + udpShare);
        }
        if (activeFlows + newFlowsPerSecond * packets / packetsPerSecond >= MAX_FLOWS)
        {
            throw new IllegalArgumentException("the capture would hold more than " + MAX_FLOWS + " flows");
        }
        frameMix = frameMix == null ? FrameMix.fixed(frameSize) : frameMix;
        if (frameMix.smallest() != frameSize)
        {
            throw new IllegalArgumentException("frameSize must be the smallest size of the frame mix " + frameMix +
                ": " + frameSize);
        }
        popularity = Objects.requireNonNullElse(popularity, Popularity.UNIFORM);
        payload = Objects.requireNonNullElse(payload, PayloadKind.RANDOM);
    }

    /** Today's traffic: every frame {@code frameSize} bytes, uniform popularity, random payload. */
    public GeneratorSpec(
        final long packets,
        final int activeFlows,
        final double newFlowsPerSecond,
        final int frameSize,
        final long packetsPerSecond,
        final long seed,
        final double ipv6Share,
        final double udpShare)
    {
        this(packets, activeFlows, newFlowsPerSecond, frameSize, packetsPerSecond, seed, ipv6Share, udpShare,
            null, null, null);
    }

    /** New flows per second that give flows a mean life of {@code seconds}: the window turns over once. */
    public static double newFlowsPerSecondForDuration(final int activeFlows, final double seconds)
    {
        if (!(seconds > 0) || Double.isInfinite(seconds))
        {
            throw new IllegalArgumentException("the flow duration must be above 0 and finite: " + seconds);
        }
        return activeFlows / seconds;
    }

    /** Every flow lives this long: A / R seconds. */
    public double flowDurationSeconds()
    {
        return activeFlows / newFlowsPerSecond;
    }

    /** This spec with frames of sizes drawn from {@code mix} per packet; {@code frameSize} becomes its smallest. */
    public GeneratorSpec withFrameMix(final FrameMix mix)
    {
        return new GeneratorSpec(packets, activeFlows, newFlowsPerSecond, mix.smallest(), packetsPerSecond, seed,
            ipv6Share, udpShare, mix, popularity, payload);
    }

    /** This spec with new flows started so that each lives {@code seconds} (R = A / seconds). */
    public GeneratorSpec withFlowDuration(final double seconds)
    {
        return new GeneratorSpec(packets, activeFlows, newFlowsPerSecondForDuration(activeFlows, seconds),
            frameSize, packetsPerSecond, seed, ipv6Share, udpShare, frameMix, popularity, payload);
    }

    public GeneratorSpec withPopularity(final Popularity popularity)
    {
        return new GeneratorSpec(packets, activeFlows, newFlowsPerSecond, frameSize, packetsPerSecond, seed,
            ipv6Share, udpShare, frameMix, Objects.requireNonNull(popularity), payload);
    }

    public GeneratorSpec withPayload(final PayloadKind payload)
    {
        return new GeneratorSpec(packets, activeFlows, newFlowsPerSecond, frameSize, packetsPerSecond, seed,
            ipv6Share, udpShare, frameMix, popularity, Objects.requireNonNull(payload));
    }

    /**
     * Bytes of a frame of {@link #frameSize} of a flow of this kind: the requested size, or the flow's headers
     * when they are longer. Realistic openings can be longer still.
     */
    public int frameLength(final boolean ipv6, final boolean udp)
    {
        return frameLength(frameSize, ipv6, udp);
    }

    /** Bytes of a frame drawn as {@code size} of a flow of this kind, realistic openings aside. */
    public static int frameLength(final int size, final boolean ipv6, final boolean udp)
    {
        return Math.max(size, FrameEncoder.headerLength(ipv6, udp));
    }

    /**
     * The longest frame a packet of this spec can have, openings aside: the largest size drawn, the headers of a
     * kind of flow that occurs when they are longer, or, with realistic payload, a DNS query, which DNS flows repeat
     * in every packet.
     */
    public int longestFrame()
    {
        int longest = 0;
        for (final boolean ipv6 : new boolean[]{false, true})
        {
            for (final boolean udp : new boolean[]{false, true})
            {
                if (occurs(ipv6, udp))
                {
                    longest = Math.max(longest, frameLength(frameMix.largest(), ipv6, udp));
                    if (udp && payload == PayloadKind.REALISTIC)
                    {
                        longest = Math.max(longest, FrameEncoder.headerLength(ipv6, true) +
                            DnsQuery.naturalLength(ServerNames.longestLength()));
                    }
                }
            }
        }
        return longest;
    }

    /**
     * The longest first frame of a flow. A realistic opening outgrows the size drawn for it: a QUIC Initial carries
     * at least 1,200 bytes of UDP payload, a TLS ClientHello or an HTTP request a few hundred (bounded here by
     * {@link #LONGEST_TCP_OPENING}).
     */
    public int longestOpeningFrame()
    {
        if (payload != PayloadKind.REALISTIC)
        {
            return longestFrame();
        }
        return Math.max(longestFrame(), Math.max(
            udpShare > 0 ? FrameEncoder.headerLength(true, true) + QuicInitial.MIN_DATAGRAM : 0,
            udpShare < 1 ? FrameEncoder.headerLength(true, false) + LONGEST_TCP_OPENING : 0));
    }

    /**
     * Flows the capture can hold at most: those active at its start and those started during it, and no more than
     * one a packet (a flow without a packet is not in the capture).
     */
    public long flowsAtMost()
    {
        return (long)Math.min(Math.ceil(activeFlows + newFlowsPerSecond * packets / packetsPerSecond), packets);
    }

    private boolean occurs(final boolean ipv6, final boolean udp)
    {
        return (ipv6 ? ipv6Share > 0 : ipv6Share < 1) && (udp ? udpShare > 0 : udpShare < 1);
    }

    /** Whether flows of this kind can occur and get frames of the smallest size longer than requested. */
    public boolean enlarges(final boolean ipv6, final boolean udp)
    {
        return occurs(ipv6, udp) && frameLength(ipv6, udp) > frameSize;
    }
}
