package io.spillway.offload.emulated;

import io.spillway.device.Device;
import io.spillway.device.DeviceOption;
import io.spillway.device.DeviceProvider;
import io.spillway.device.DeviceSpec;
import io.spillway.device.OptionValues;

import java.util.List;
import java.util.function.Consumer;

/**
 * The {@value EmulatedSmartNic#NAME} backend: the emulated SmartNIC, its model set by the {@code nic-*} options, or
 * given in code by the testbed and tests ({@link #withModel}).
 */
public final class EmulatedProvider implements DeviceProvider
{
    static final String FLOWS = "nic-flows";
    static final String BUFFER_DELAY = "nic-buffer-delay";
    static final String LEARN_RATE = "nic-learn-rate";
    static final String PROGRAMMING_COST = "nic-programming-cost";

    private final EmulatedNicConfig model;
    private final boolean dropWhenHostRingFull;
    private final Consumer<EmulatedDevice> opened;

    /** The backend as the command line finds it: the model from the options, a replay that loses nothing. */
    public EmulatedProvider()
    {
        this(null, false, device ->
        {
        });
    }

    private EmulatedProvider(
        final EmulatedNicConfig model, final boolean dropWhenHostRingFull, final Consumer<EmulatedDevice> opened)
    {
        this.model = model;
        this.dropWhenHostRingFull = dropWhenHostRingFull;
        this.opened = opened;
    }

    /**
     * Devices of {@code model} rather than the options' model.
     *
     * @param dropWhenHostRingFull the NIC drops what a full host ring cannot take, as a card on a live link does
     * @param opened               told of each device opened, e.g. to read its NIC's counters after the run
     */
    public static EmulatedProvider withModel(
        final EmulatedNicConfig model, final boolean dropWhenHostRingFull, final Consumer<EmulatedDevice> opened)
    {
        return new EmulatedProvider(model, dropWhenHostRingFull, opened);
    }

    @Override
    public String name()
    {
        return EmulatedSmartNic.NAME;
    }

    @Override
    public String description()
    {
        return "the emulated SmartNIC, a model of the NT200A02 flow manager (docs/offload.md), fed by capture files";
    }

    @Override
    public boolean readsStream()
    {
        return true;
    }

    @Override
    public boolean hasFlowTable()
    {
        return true;
    }

    @Override
    public List<DeviceOption> options()
    {
        return List.of(
            new DeviceOption(FLOWS, "N", "Emulated NIC: flows its hardware table holds, e.g. 1M (default: " +
                EmulatedNicConfig.DEFAULT_FLOW_TABLE_CAPACITY + ")."),
            new DeviceOption(BUFFER_DELAY, "MS", "Emulated NIC: its receive buffer in milliseconds of traffic; a " +
                "learn or unlearn takes effect that much later (default: 0; the NT200A02 buffers about 130 at " +
                "100 Gbit/s)."),
            new DeviceOption(LEARN_RATE, "FLOWS", "Emulated NIC: flows learned per second at most, less above 90% " +
                "fill (default: " + EmulatedNicConfig.DEFAULT_LEARN_RATE + ")."),
            new DeviceOption(PROGRAMMING_COST, "US", "Emulated NIC: microseconds each learn or unlearn costs the " +
                "offload thread (default: " + EmulatedNicConfig.DEFAULT_PROGRAMMING_COST_NS / 1000.0 + ")."));
    }

    @Override
    public Device open(final DeviceSpec spec)
    {
        final EmulatedDevice device =
            EmulatedDevice.open(spec, model != null ? model : model(spec), dropWhenHostRingFull);
        opened.accept(device);
        return device;
    }

    /** The NIC's model the spec's options describe. */
    static EmulatedNicConfig model(final DeviceSpec spec)
    {
        final EmulatedNicConfig model = new EmulatedNicConfig();
        final String flows = spec.option(FLOWS, null);
        if (flows != null)
        {
            model.flowTableCapacity((int)OptionValues.count(FLOWS, flows, 1 << 30));
        }
        final String delay = spec.option(BUFFER_DELAY, null);
        if (delay != null)
        {
            model.bufferDelayNs(Math.round(OptionValues.number(BUFFER_DELAY, delay, 0) * 1_000_000));
        }
        final String rate = spec.option(LEARN_RATE, null);
        if (rate != null)
        {
            model.learnRateFlowsPerSecond(Math.round(OptionValues.number(LEARN_RATE, rate, 1)));
        }
        final String cost = spec.option(PROGRAMMING_COST, null);
        if (cost != null)
        {
            model.programmingCostNs(Math.round(OptionValues.number(PROGRAMMING_COST, cost, 0) * 1_000));
        }
        return model;
    }
}
