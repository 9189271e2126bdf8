package io.spillway.probe.cli;

import picocli.CommandLine;

/** Reads counts such as 65536, 64K or 2M (binary multiples, as table sizes usually are). */
final class CountConverter implements CommandLine.ITypeConverter<Integer>
{
    @Override
    public Integer convert(final String value)
    {
        final String text = value.trim().toUpperCase(java.util.Locale.ROOT);
        long multiplier = 1;
        String digits = text;
        if (text.endsWith("K"))
        {
            multiplier = 1L << 10;
            digits = text.substring(0, text.length() - 1);
        }
        else if (text.endsWith("M"))
        {
            multiplier = 1L << 20;
            digits = text.substring(0, text.length() - 1);
        }
        try
        {
            final long count = Long.parseLong(digits) * multiplier;
            if (count < 1 || count > Integer.MAX_VALUE)
            {
                throw new CommandLine.TypeConversionException("'" + value + "' is out of range");
            }
            return (int)count;
        }
        catch (final NumberFormatException ex)
        {
            throw new CommandLine.TypeConversionException("'" + value + "' is not a count (e.g. 65536, 64K, 2M)");
        }
    }
}
