package io.spillway.probe.pipeline;

import io.spillway.capture.reference.Conversation;
import io.spillway.capture.reference.Tshark;
import io.spillway.device.DeviceProvider;
import io.spillway.device.DeviceSpec;
import io.spillway.device.Devices;
import io.spillway.device.PacketSource;
import io.spillway.probe.flow.RecordedFlow;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Runs the whole pipeline on capture files (or any device) and keeps the records, for tests. */
public final class ProbeRuns
{
    public record Run(ProbeResult result, List<RecordedFlow> records)
    {
        /** Packets and layer-2 bytes per TCP/UDP conversation, summing records split by timeouts or VLANs. */
        public Map<Conversation, long[]> conversations()
        {
            final Map<Conversation, long[]> totals = new HashMap<>();
            for (final RecordedFlow r : records)
            {
                if ((r.protocol() == 6 || r.protocol() == 17) && (r.flags() & 0x01) == 0)
                {
                    final long[] t = totals.computeIfAbsent(
                        Conversation.of(r.protocol(), r.src(), r.srcPort(), r.dst(), r.dstPort()), k -> new long[2]);
                    t[0] += r.packets();
                    t[1] += r.fwdL2Octets() + r.revL2Octets();
                }
            }
            return totals;
        }

        /** Like {@link #conversations()}, with layer-3-only flows keyed with ports -1. */
        public Map<Conversation, long[]> conversationsWithLayer3()
        {
            final Map<Conversation, long[]> totals = new HashMap<>();
            for (final RecordedFlow r : records)
            {
                if (r.protocol() == 6 || r.protocol() == 17)
                {
                    final boolean l3 = (r.flags() & 0x01) != 0;
                    final long[] t = totals.computeIfAbsent(Conversation.of(r.protocol(), r.src(),
                        l3 ? -1 : r.srcPort(), r.dst(), l3 ? -1 : r.dstPort()), k -> new long[2]);
                    t[0] += r.packets();
                    t[1] += r.fwdL2Octets() + r.revL2Octets();
                }
            }
            return totals;
        }

        /** Packets and layer-2 bytes per unordered address pair, keyed as Tshark.addressPair. */
        public Map<String, long[]> addressPairs()
        {
            final Map<String, long[]> totals = new HashMap<>();
            for (final RecordedFlow r : records)
            {
                final long[] t = totals.computeIfAbsent(
                    Tshark.addressPair(r.ipVersion(), r.src(), r.dst()), k -> new long[2]);
                t[0] += r.packets();
                t[1] += r.fwdL2Octets() + r.revL2Octets();
            }
            return totals;
        }

        public long recordPackets()
        {
            return records.stream().mapToLong(RecordedFlow::packets).sum();
        }
    }

    private ProbeRuns()
    {
    }

    public static Run run(final ProbeConfig config, final List<Path> files)
    {
        return run(config, Devices.provider("files"), spec -> spec.withFiles(files));
    }

    /** Runs the pipeline on {@code source} as one stream, which the device closes. */
    public static Run run(final ProbeConfig config, final PacketSource source)
    {
        return run(config, Devices.provider("files"), spec -> spec.withSource(source));
    }

    public static Run run(final ProbeConfig config, final Path file)
    {
        return run(config, List.of(file));
    }

    /** Runs the pipeline on the device {@code provider} opens with the spec {@code input} completes. */
    public static Run run(
        final ProbeConfig config, final DeviceProvider provider,
        final java.util.function.UnaryOperator<DeviceSpec> input)
    {
        final CollectingExporter exporter = new CollectingExporter();
        final ProbeCounters counters = new ProbeCounters(config.queues());
        final DeviceSpec spec = input.apply(DeviceSpec.of(config.queues(), counters.registry()));
        final ProbeResult result = Probe.run(config, provider, spec, List.of(exporter), null, counters);
        return new Run(result, exporter.records());
    }
}
