package io.spillway.capture.stream;

import io.spillway.device.Counters;
import io.spillway.device.Device;
import io.spillway.device.DeviceSpec;
import io.spillway.device.InputProblem;
import io.spillway.device.PacketSource;
import io.spillway.device.ReceiveCounters;
import io.spillway.device.ReceiveParser;
import org.agrona.concurrent.Agent;

import java.util.List;

/**
 * What every device fed by one stream of packets (capture files, generated traffic) has: the stream, and the
 * dispatcher thread that parses each packet once and hands it to the device's receive side (the {@link
 * StreamDispatcher.Sink} a subclass is) for the queue that owns its flow. The files device and the emulated NIC are
 * such devices; they differ in what their receive side does with a packet.
 */
public abstract class SingleStreamDevice implements Device, StreamDispatcher.Sink
{
    private final PacketSource source;
    private final StreamDispatcher dispatcher;

    /**
     * @param source     the stream, closed with the device
     * @param threadName the dispatcher thread's name
     */
    protected SingleStreamDevice(final PacketSource source, final DeviceSpec spec, final String threadName)
    {
        this.source = source;
        final Counters counters = spec.counters();
        this.dispatcher = new StreamDispatcher(source, spec.queues(),
            new ReceiveParser(new ReceiveCounters(counters, Counters.NO_OWNER)), this, counters, threadName);
    }

    @Override
    public final List<Agent> agents()
    {
        return List.of(dispatcher);
    }

    @Override
    public final void stop()
    {
        dispatcher.stop();
    }

    @Override
    public final long bytesRead()
    {
        return source.bytesRead();
    }

    @Override
    public final long bytesTotal()
    {
        return source.bytesTotal();
    }

    @Override
    public final List<InputProblem> problems()
    {
        return source.damages().stream().map(InputProblem::of).toList();
    }

    /** Closes the stream; a subclass closing more calls this too. */
    @Override
    public void close()
    {
        source.close();
    }
}
