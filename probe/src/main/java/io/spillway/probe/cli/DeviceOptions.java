package io.spillway.probe.cli;

import io.spillway.device.DeviceOption;
import io.spillway.device.DeviceProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The options of every device backend on the class path, offered on the command line as {@code --name} and handed
 * to the chosen device by name: the command knows no backend's options, and a new backend's appear in the help.
 */
final class DeviceOptions
{
    private final List<DeviceProvider> providers;
    private final Map<String, String> given = new LinkedHashMap<>();

    DeviceOptions(final List<DeviceProvider> providers)
    {
        this.providers = providers;
    }

    /** Adds each backend's options to the command (an option two backends share is added once). */
    void addTo(final CommandSpec command)
    {
        final Set<String> added = new TreeSet<>();
        for (final DeviceProvider provider : providers)
        {
            for (final DeviceOption option : provider.options())
            {
                if (!added.add(option.name()))
                {
                    continue;
                }
                final OptionSpec.Builder builder = OptionSpec.builder("--" + option.name())
                    // picocli formats descriptions: a percent sign must be doubled.
                    .description(option.description().replace("%", "%%"))
                    .setter(new picocli.CommandLine.Model.ISetter()
                    {
                        @Override
                        @SuppressWarnings("unchecked")
                        public <T> T set(final T value)
                        {
                            if (value != null)
                            {
                                given.put(option.name(), String.valueOf(value));
                            }
                            return null;
                        }
                    });
                if (option.isFlag())
                {
                    builder.arity("0").type(boolean.class);
                }
                else
                {
                    builder.arity("1").type(String.class).paramLabel(option.paramLabel());
                }
                command.addOption(builder.build());
            }
        }
    }

    /**
     * The backend options given, for {@code provider}.
     *
     * @throws IllegalArgumentException when an option given belongs to another device only
     */
    Map<String, String> valuesFor(final DeviceProvider provider)
    {
        final Set<String> own = new TreeSet<>();
        provider.options().forEach(option -> own.add(option.name()));
        for (final String name : given.keySet())
        {
            if (!own.contains(name))
            {
                throw new IllegalArgumentException("--" + name + " is an option of device " + owners(name) +
                    ", not of '" + provider.name() + "'");
            }
        }
        return Map.copyOf(given);
    }

    private String owners(final String name)
    {
        return String.join(" or ", providers.stream()
            .filter(provider -> provider.options().stream().anyMatch(option -> option.name().equals(name)))
            .map(provider -> "'" + provider.name() + "'").toList());
    }
}
