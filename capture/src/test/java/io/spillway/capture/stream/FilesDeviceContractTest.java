package io.spillway.capture.stream;

import io.spillway.capture.contract.RxQueueContract;
import io.spillway.device.Device;
import io.spillway.device.DeviceSpec;

import java.nio.file.Path;
import java.util.List;

/** The files device keeps the receive contract: its dispatcher spreads one stream over the queues. */
class FilesDeviceContractTest extends RxQueueContract
{
    @Override
    protected Device open(final DeviceSpec spec, final Path capture)
    {
        return new FilesProvider().open(spec.withFiles(List.of(capture)));
    }

    @Override
    protected boolean endsByItself()
    {
        return true;
    }
}
