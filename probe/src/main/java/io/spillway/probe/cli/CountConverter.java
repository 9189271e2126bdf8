package io.spillway.probe.cli;

import io.spillway.device.OptionValues;
import picocli.CommandLine;

/** Reads counts such as 65536, 64K or 2M (binary multiples, as table sizes usually are). */
final class CountConverter implements CommandLine.ITypeConverter<Integer>
{
    @Override
    public Integer convert(final String value)
    {
        try
        {
            return (int)OptionValues.count("count", value, Integer.MAX_VALUE);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new CommandLine.TypeConversionException(ex.getMessage().replace("--count: ", ""));
        }
    }
}
