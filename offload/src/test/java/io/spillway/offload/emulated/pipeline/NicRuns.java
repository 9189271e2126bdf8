package io.spillway.offload.emulated.pipeline;

import io.spillway.device.DeviceSpec;
import io.spillway.device.PacketSource;
import io.spillway.offload.emulated.EmulatedDevice;
import io.spillway.offload.emulated.EmulatedNicConfig;
import io.spillway.offload.emulated.EmulatedProvider;
import io.spillway.offload.emulated.NicStats;
import io.spillway.probe.flow.RecordedFlow;
import io.spillway.probe.pipeline.OffloadPolicy;
import io.spillway.probe.pipeline.ProbeConfig;
import io.spillway.probe.pipeline.ProbeResult;
import io.spillway.probe.pipeline.ProbeRuns;

import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;

/** Runs the probe through the emulated SmartNIC of a given model, for tests, and keeps the NIC's counters. */
final class NicRuns
{
    /** A run's records and results, with what the NIC counted. */
    record NicRun(ProbeRuns.Run probe, NicStats nic)
    {
        ProbeResult result()
        {
            return probe.result();
        }

        List<RecordedFlow> records()
        {
            return probe.records();
        }

        long recordPackets()
        {
            return probe.recordPackets();
        }
    }

    private NicRuns()
    {
    }

    /** Through the NIC, offloading as {@code config} says (nothing when it has no offload policy). */
    static NicRun run(final ProbeConfig config, final EmulatedNicConfig nic, final Path capture)
    {
        return run(config, nic, false, spec -> spec.withFiles(List.of(capture)));
    }

    /** As {@link #run(ProbeConfig, EmulatedNicConfig, Path)}, with the default offload policy. */
    static NicRun offload(final ProbeConfig config, final EmulatedNicConfig nic, final Path capture)
    {
        return run(config.withOffload(OffloadPolicy.DEFAULT), nic, capture);
    }

    static NicRun run(final ProbeConfig config, final EmulatedNicConfig nic, final PacketSource source)
    {
        return run(config, nic, false, spec -> spec.withSource(source));
    }

    /**
     * @param dropWhenHostRingFull the NIC drops what a full host ring cannot take, as on a live link
     */
    static NicRun run(
        final ProbeConfig config, final EmulatedNicConfig nic, final boolean dropWhenHostRingFull,
        final UnaryOperator<DeviceSpec> input)
    {
        final EmulatedDevice[] opened = new EmulatedDevice[1];
        final EmulatedProvider provider =
            EmulatedProvider.withModel(nic, dropWhenHostRingFull, device -> opened[0] = device);
        final ProbeRuns.Run run = ProbeRuns.run(config, provider, input);
        return new NicRun(run, opened[0].nicStats());
    }
}
