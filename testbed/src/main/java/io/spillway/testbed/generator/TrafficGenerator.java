package io.spillway.testbed.generator;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Synthetic flow traffic for the benchmarks, the analogue of the pfsend generator of the SmartNIC offload
 * paper (section IV-C): the number of active flows, the new flows per second, the frame size and the packet
 * rate are set independently.
 * <ul>
 * <li>Flows: a sliding window of A concurrent flows. New flows start at a steady pace of R per second of
 * capture time, each replacing the oldest, so every flow lives A/R seconds. The window is full from the first
 * packet: A flows are active at time 0 with ages staggered 1/R apart, so retirements are evenly spread from
 * the start and the capture measures steady state throughout.</li>
 * <li>Packets: PPS per second of capture time; packet i is stamped {@link #START_NANOS} +
 * floor(i * 1e9 / PPS) ns, in integer arithmetic that never drifts. Each packet belongs to a flow of the
 * window chosen uniformly at random, so a flow gets PPS/R packets on average, and some (few when PPS/R is
 * large) none at all; or, with {@link Popularity.Zipf}, the flow in slot r - 1 with probability proportional
 * to 1/r^s ({@link ZipfSlots}).</li>
 * <li>Frames: S bytes, or a size drawn per packet from a {@link FrameMix} such as the simple IMIX, captured and
 * on the wire; a flow whose headers are longer than the size (IPv6 and TCP need 74) uses frames of its headers
 * only. Ethernet, IPv4 or (with probability ipv6Share per flow) IPv6, TCP or (with probability udpShare per
 * flow) UDP, then random payload, the worst case for DPI; or with {@link PayloadKind#REALISTIC}, a first packet
 * that opens HTTP, TLS, DNS or QUIC ({@link Opening}), as long as the opening needs. All frames go from client
 * to server, as pfsend sends them; flows end silently, without FIN. {@link FrameEncoder} has the header
 * details, {@link FlowIdentity} how 5-tuples are kept unique over the whole capture.</li>
 * <li>Determinism: everything comes from the seed through {@link SplittableRandom} and hashing; no wall
 * clock. The same spec gives the same bytes.</li>
 * </ul>
 * A run allocates its state up front (16 bytes per active flow, 8 more with Zipf popularity) and nothing per
 * packet.
 */
public final class TrafficGenerator
{
    /** Capture time of the first packet: 2026-01-01T00:00:00Z. */
    public static final long START_NANOS = 1_767_225_600_000_000_000L;

    private static final int HORIZON_MARGIN_PACKETS = 8;
    private static final int BURST_PACKETS = 32;

    private final GeneratorSpec spec;

    public TrafficGenerator(final GeneratorSpec spec)
    {
        this.spec = spec;
    }

    public GeneratorSpec spec()
    {
        return spec;
    }

    /** Produces the whole capture into {@code sink} and reports what was written. */
    public GenerationReport generate(final FrameSink sink)
    {
        final long packets = spec.packets();
        final int activeFlows = spec.activeFlows();
        final SplittableRandom slotRandom = new SplittableRandom(spec.seed());
        final SplittableRandom payloadRandom = slotRandom.split();
        // Its own stream, so that a fixed size, which draws nothing, leaves the other two as they always were.
        final SplittableRandom sizeRandom = new SplittableRandom(spec.seed() ^ 0x5EED_F2A3_E512_E000L);
        final boolean realistic = spec.payload() == PayloadKind.REALISTIC;
        final FlowIdentity flow = new FlowIdentity(spec.seed(), spec.ipv6Share(), spec.udpShare(),
            realistic ? Openings.serverNameCount() : 0);
        final FrameEncoder encoder = new FrameEncoder(spec, payloadRandom);
        final ConcurrencyMeter meter = new ConcurrencyMeter(flowLifetimePackets() + HORIZON_MARGIN_PACKETS, packets);
        final FlowWindow window = new FlowWindow(activeFlows, spec.newFlowsPerSecond(), meter);
        final PacketClock clock = new PacketClock(spec.packetsPerSecond());
        final ZipfSlots zipf = spec.popularity() instanceof Popularity.Zipf(final double exponent) ?
            new ZipfSlots(activeFlows, exponent) : null;
        final FrameMix frameMix = spec.frameMix();
        final int[] burstSlots = new int[BURST_PACKETS];
        final int topSlots = topSlots(activeFlows);
        final long[] framesPerSizeClass = new long[frameMix.classes()];
        final long[] openings = new long[Opening.values().length];

        long frameBytes = 0;
        long enlargedFrames = 0;
        long udpFlows = 0;
        long ipv6Flows = 0;
        long topSlotPackets = 0;
        for (long burstStart = 0; burstStart < packets; burstStart += BURST_PACKETS)
        {
            final int burst = (int)Math.min(BURST_PACKETS, packets - burstStart);
            for (int i = 0; i < burst; i++)
            {
                burstSlots[i] = zipf == null ? slotRandom.nextInt(activeFlows) : zipf.next(slotRandom);
            }
            window.touch(burstSlots, burst);

            for (int i = 0; i < burst; i++)
            {
                final long packet = burstStart + i;
                final long offsetNanos = clock.offsetNanos();
                window.advanceTo(offsetNanos);
                meter.advanceTo(packet);

                final int slot = burstSlots[i];
                final int sizeClass = frameMix.drawClass(sizeRandom);
                final int frameSize = frameMix.size(sizeClass);
                final boolean first = !window.hasPackets(slot);
                flow.load(window.serialInSlot(slot));
                final int length = encoder.encode(
                    flow, (int)window.packetCount(slot), window.streamBytes(slot), first, frameSize);
                window.onPacket(slot, packet, flow.udp ? 0 : length - FrameEncoder.headerLength(flow.ipv6, flow.udp));
                sink.onFrame(START_NANOS + offsetNanos, encoder.frame(), length);

                frameBytes += length;
                framesPerSizeClass[sizeClass]++;
                if (length > frameSize)
                {
                    enlargedFrames++;
                }
                if (first)
                {
                    udpFlows += flow.udp ? 1 : 0;
                    ipv6Flows += flow.ipv6 ? 1 : 0;
                    if (realistic)
                    {
                        openings[flow.opening.ordinal()]++;
                    }
                }
                topSlotPackets += slot < topSlots ? 1 : 0;
                clock.advance();
            }
        }
        window.finish();
        meter.finish(packets);

        final Map<Opening, Long> openingFlows = new EnumMap<>(Opening.class);
        if (realistic)
        {
            for (final Opening opening : Opening.values())
            {
                openingFlows.put(opening, openings[opening.ordinal()]);
            }
        }
        return new GenerationReport(
            packets,
            frameBytes,
            enlargedFrames,
            PacketClock.offsetNanos(packets - 1, spec.packetsPerSecond()),
            activeFlows + window.newFlowsStarted(),
            meter.distinctFlows(),
            window.newFlowsSeen(),
            meter.averageConcurrentFlows(packets),
            meter.maxConcurrentFlows(),
            meter.samplingStep(),
            udpFlows,
            ipv6Flows,
            Arrays.stream(framesPerSizeClass).boxed().toList(),
            topSlots,
            topSlotPackets,
            openingFlows);
    }

    /** The first 1% of the window's slots, at least one: with Zipf popularity, the most popular flows. */
    public static int topSlots(final int activeFlows)
    {
        return Math.max(1, activeFlows / 100);
    }

    /** Packets during one flow lifetime, capped at the capture (the lifetime can be far longer). */
    private long flowLifetimePackets()
    {
        final double lifetimePackets = Math.ceil(spec.activeFlows() * (double)spec.packetsPerSecond() /
            spec.newFlowsPerSecond());

        return (long)Math.min(lifetimePackets, (double)spec.packets());
    }
}
