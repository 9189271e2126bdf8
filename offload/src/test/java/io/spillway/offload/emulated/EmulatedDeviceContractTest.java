package io.spillway.offload.emulated;

import io.spillway.capture.contract.RxQueueContract;
import io.spillway.device.Device;
import io.spillway.device.DeviceSpec;

import java.nio.file.Path;
import java.util.List;

/** The emulated NIC keeps the receive contract: its host rings (small, to wrap often) and its ticks and END. */
class EmulatedDeviceContractTest extends RxQueueContract
{
    @Override
    protected Device open(final DeviceSpec spec, final Path capture)
    {
        return EmulatedDevice.open(spec.withFiles(List.of(capture)), new EmulatedNicConfig().hostRingBytes(16 * 1024),
            false);
    }

    @Override
    protected boolean endsByItself()
    {
        return true;
    }
}
