package io.spillway.capture.afpacket;

import io.spillway.device.Device;
import io.spillway.device.DeviceOption;
import io.spillway.device.DeviceProvider;
import io.spillway.device.DeviceSpec;
import io.spillway.device.OptionValues;

import java.util.List;
import java.util.Locale;

/** The {@value AfPacketDevice#NAME} backend: live interfaces, the ring and fanout set by its options. */
public final class AfPacketProvider implements DeviceProvider
{
    static final String RING_SIZE = "ring-size";
    static final String SNAPLEN = "snaplen";
    static final String NO_PROMISC = "no-promisc";
    static final String FANOUT = "fanout";
    static final String FANOUT_DEFRAG = "fanout-defrag";
    /** 32 MiB per queue and interface: about 80 ms of a saturated 10 Gbit/s link per worker before the kernel drops. */
    static final long DEFAULT_RING_BYTES = 32L << 20;

    @Override
    public String name()
    {
        return AfPacketDevice.NAME;
    }

    @Override
    public String description()
    {
        return "live capture on Linux interfaces with AF_PACKET TPACKET_V3 rings, one per worker, in a fanout group";
    }

    @Override
    public boolean readsStream()
    {
        return false;
    }

    @Override
    public boolean hasFlowTable()
    {
        return false;
    }

    @Override
    public List<DeviceOption> options()
    {
        return List.of(
            new DeviceOption(RING_SIZE, "BYTES", "Live capture: the kernel ring of each worker on each interface, " +
                "e.g. 64M (default: 32M); a larger ring rides out longer bursts before the kernel drops."),
            new DeviceOption(SNAPLEN, "BYTES", "Live capture: bytes kept of each packet (default: 65535); the " +
                "rest is cut in the kernel and still counted."),
            new DeviceOption(NO_PROMISC, null, "Live capture: do not put the interfaces in promiscuous mode (by " +
                "default they are, so traffic to other hosts on the link is seen)."),
            new DeviceOption(FANOUT, "MODE", "Live capture: how the kernel spreads packets over the workers: hash " +
                "(default, both directions of a flow on one worker), cpu or qm (as the NIC's RSS spreads them: " +
                "symmetric only with a symmetric RSS key), lb, rnd or rollover (split flows)."),
            new DeviceOption(FANOUT_DEFRAG, null, "Live capture: reassemble IPv4 fragments in the kernel before " +
                "fanout, so a flow's fragments reach its worker; each reassembled datagram then counts as one " +
                "packet."));
    }

    @Override
    public Device open(final DeviceSpec spec)
    {
        return AfPacketDevice.open(spec, settings(spec));
    }

    /** The ring and fanout the options ask for (the interface is set per socket). */
    static AfPacketConfig settings(final DeviceSpec spec)
    {
        final long ringBytes = OptionValues.count(RING_SIZE, spec.option(RING_SIZE, Long.toString(DEFAULT_RING_BYTES)),
            1L << 32);
        final int blockSize = AfPacketConfig.DEFAULT_BLOCK_SIZE;
        final int blocks = (int)Math.max(2, ringBytes / blockSize);
        final String fanout = spec.option(FANOUT, "hash");
        final FanoutMode mode;
        try
        {
            mode = FanoutMode.valueOf(fanout.toUpperCase(Locale.ROOT));
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IllegalArgumentException("--" + FANOUT + " must be hash, cpu, qm, lb, rnd or rollover, not '" +
                fanout + "'");
        }
        final int snapLength = (int)OptionValues.count(SNAPLEN,
            spec.option(SNAPLEN, Integer.toString(AfPacketConfig.DEFAULT_SNAP_LENGTH)), AfPacketConfig.MAX_SNAP_LENGTH);
        return AfPacketConfig.builder("lo")
            .ring(ringBytes < blockSize ? (int)Math.max(AfPacketConfig.PAGE_SIZE, ringBytes / 2 /
                AfPacketConfig.PAGE_SIZE * AfPacketConfig.PAGE_SIZE) : blockSize, blocks)
            .snapLength(snapLength)
            .promiscuous(!OptionValues.flag(NO_PROMISC, spec.option(NO_PROMISC, "false")))
            .fanout(mode, 0)
            .fanoutDefrag(OptionValues.flag(FANOUT_DEFRAG, spec.option(FANOUT_DEFRAG, "false")))
            .build();
    }
}
