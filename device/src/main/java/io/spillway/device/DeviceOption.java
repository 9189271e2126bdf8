package io.spillway.device;

/**
 * An option a backend reads from {@link DeviceSpec#options()}; the command line offers it as {@code --name}.
 *
 * @param name         without the dashes, e.g. {@code nic-flows}
 * @param paramLabel   how its value is shown in the help, e.g. {@code N}; null for a flag (its value is "true")
 * @param description  one or two sentences for the help, with the default in it
 */
public record DeviceOption(String name, String paramLabel, String description)
{
    public boolean isFlag()
    {
        return paramLabel == null;
    }
}
