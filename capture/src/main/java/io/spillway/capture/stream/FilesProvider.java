package io.spillway.capture.stream;

import io.spillway.device.Device;
import io.spillway.device.DeviceProvider;
import io.spillway.device.DeviceSpec;

/** The {@value StreamDevice#NAME} backend: capture files as one stream. */
public final class FilesProvider implements DeviceProvider
{
    @Override
    public String name()
    {
        return StreamDevice.NAME;
    }

    @Override
    public String description()
    {
        return "capture files (pcap, pcapng) read as one stream, spread over the queues by a symmetric hash";
    }

    @Override
    public boolean readsStream()
    {
        return true;
    }

    @Override
    public boolean hasFlowTable()
    {
        return false;
    }

    @Override
    public Device open(final DeviceSpec spec)
    {
        return StreamDevice.open(spec);
    }
}
