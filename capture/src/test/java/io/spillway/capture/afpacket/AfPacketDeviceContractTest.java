package io.spillway.capture.afpacket;

import io.spillway.capture.contract.RxQueueContract;
import io.spillway.capture.live.NetNs;
import io.spillway.capture.live.Tcpreplay;
import io.spillway.device.Device;
import io.spillway.device.DeviceSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;

import java.nio.file.Path;
import java.util.List;

/**
 * The afpacket device keeps the receive contract on a real veth in a namespace: the kernel's symmetric fanout puts
 * both directions of a flow on one worker's ring, in order, and the queues end when the device is stopped.
 */
@Tag("live")
class AfPacketDeviceContractTest extends RxQueueContract
{
    private NetNs ns;

    @BeforeAll
    static void tcpreplay()
    {
        Tcpreplay.requireInstalled();
    }

    @Override
    protected Device open(final DeviceSpec spec, final Path capture)
    {
        ns = NetNs.withVeth("cap0", "send0");
        try
        {
            return ns.call(() -> new AfPacketProvider().open(spec.withInterfaces(List.of("cap0"))));
        }
        catch (final Exception ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    @Override
    protected void send(final Path capture)
    {
        // Slow enough that two rings of 32 MiB never fill while the test thread polls both queues.
        Tcpreplay.replay(ns, "send0", capture, 20_000);
    }

    @Override
    protected boolean endsByItself()
    {
        return false;
    }

    @AfterEach
    void removeNamespace()
    {
        if (ns != null)
        {
            ns.close();
        }
    }
}
