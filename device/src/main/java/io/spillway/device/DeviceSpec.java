package io.spillway.device;

import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What to open a device with: the queues wanted (one per worker), its input (interfaces, or a single stream: capture
 * files or a source of packets), its backend options by name, whether its flow table is wanted, and the counters it
 * registers its figures in.
 *
 * @param queues      receive queues, one per worker
 * @param interfaces  live ports, in order (the input port of a packet is its interface's index here)
 * @param files       capture files read one after the other as one stream
 * @param source      a stream of packets given by the caller instead of files (generated traffic), or null
 * @param replaySpeed files replayed at this multiple of their own pace; 0: as fast as they are read
 * @param options     backend options by name without the dashes (e.g. "nic-flows" -> "64K"), as typed
 * @param offload     open the device's flow table
 * @param counters    where the device registers its counters
 * @param idle        how a thread of the device waits (for room in a full queue, for work), as the pipeline's do
 */
public record DeviceSpec(
    int queues, List<String> interfaces, List<Path> files, PacketSource source, double replaySpeed,
    Map<String, String> options, boolean offload, Counters counters, Supplier<IdleStrategy> idle)
{
    public DeviceSpec
    {
        interfaces = List.copyOf(interfaces);
        files = List.copyOf(files);
        options = Map.copyOf(options);
    }

    /** Nothing to read yet: {@code queues} queues, no option, no offload, Agrona's default back-off. */
    public static DeviceSpec of(final int queues, final Counters counters)
    {
        return new DeviceSpec(queues, List.of(), List.of(), null, 0, Map.of(), false, counters,
            BackoffIdleStrategy::new);
    }

    public DeviceSpec withIdle(final Supplier<IdleStrategy> idle)
    {
        return new DeviceSpec(queues, interfaces, files, source, replaySpeed, options, offload, counters, idle);
    }

    public DeviceSpec withFiles(final List<Path> files)
    {
        return new DeviceSpec(queues, interfaces, files, source, replaySpeed, options, offload, counters, idle);
    }

    public DeviceSpec withSource(final PacketSource source)
    {
        return new DeviceSpec(queues, interfaces, files, source, replaySpeed, options, offload, counters, idle);
    }

    public DeviceSpec withInterfaces(final List<String> interfaces)
    {
        return new DeviceSpec(queues, interfaces, files, source, replaySpeed, options, offload, counters, idle);
    }

    public DeviceSpec withReplaySpeed(final double replaySpeed)
    {
        return new DeviceSpec(queues, interfaces, files, source, replaySpeed, options, offload, counters, idle);
    }

    public DeviceSpec withOffload(final boolean offload)
    {
        return new DeviceSpec(queues, interfaces, files, source, replaySpeed, options, offload, counters, idle);
    }

    /** The same spec with one more backend option (replacing an earlier value of the same name). */
    public DeviceSpec withOption(final String name, final String value)
    {
        final Map<String, String> more = new HashMap<>(options);
        more.put(name, value);
        return new DeviceSpec(queues, interfaces, files, source, replaySpeed, more, offload, counters, idle);
    }

    /** The value of a backend option, or {@code otherwise} when it was not given. */
    public String option(final String name, final String otherwise)
    {
        return options.getOrDefault(name, otherwise);
    }

    /** Whether the input is one stream (files or a source) rather than live interfaces. */
    public boolean isStream()
    {
        return source != null || !files.isEmpty();
    }
}
