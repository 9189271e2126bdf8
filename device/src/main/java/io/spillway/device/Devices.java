package io.spillway.device;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceLoader;

/** The device backends on the class path, by name. */
public final class Devices
{
    private Devices()
    {
    }

    /** Every provider found, by name. */
    public static List<DeviceProvider> providers()
    {
        final List<DeviceProvider> found = new ArrayList<>();
        ServiceLoader.load(DeviceProvider.class).forEach(found::add);
        found.sort(Comparator.comparing(DeviceProvider::name));
        return found;
    }

    /**
     * The provider named {@code name}.
     *
     * @throws IllegalArgumentException naming the backends there are, when none has that name
     */
    public static DeviceProvider provider(final String name)
    {
        final List<DeviceProvider> all = providers();
        for (final DeviceProvider provider : all)
        {
            if (provider.name().equals(name))
            {
                return provider;
            }
        }
        throw new IllegalArgumentException("unknown device '" + name + "': the devices are " +
            String.join(", ", all.stream().map(DeviceProvider::name).toList()));
    }
}
