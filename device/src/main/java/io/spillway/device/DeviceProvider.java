package io.spillway.device;

import java.util.List;

/**
 * A device backend, found by name with {@link java.util.ServiceLoader} (a line in
 * {@code META-INF/services/io.spillway.device.DeviceProvider}): a new backend is a module or a package and a
 * provider, and the pipeline needs no change.
 */
public interface DeviceProvider
{
    /** How the command line names the backend, e.g. {@code files}, {@code afpacket}, {@code emulated}. */
    String name();

    /** One line for the help. */
    String description();

    /** Whether it reads a single stream (capture files) rather than live interfaces. */
    boolean readsStream();

    /** Whether it has a flow table that flows can be offloaded to. */
    boolean hasFlowTable();

    /** Options the backend reads from the spec; the command line offers each as {@code --name}. */
    default List<DeviceOption> options()
    {
        return List.of();
    }

    /**
     * Opens the device.
     *
     * @throws IllegalArgumentException   for a bad option value or a spec the backend cannot serve (a usage error)
     * @throws DeviceUnavailableException when the machine does not let it open (no such interface, no permission)
     */
    Device open(DeviceSpec spec);
}
