package io.spillway.testbed.cli;

import picocli.CommandLine;

import java.util.Locale;

/** Reads counts such as 10000, 10K or 1M in decimal multiples, as the paper counts flows and packets. */
final class DecimalCountConverter implements CommandLine.ITypeConverter<Long>
{
    @Override
    public Long convert(final String value)
    {
        final String text = value.trim().toUpperCase(Locale.ROOT);
        long multiplier = 1;
        String digits = text;
        if (text.endsWith("K"))
        {
            multiplier = 1_000;
            digits = text.substring(0, text.length() - 1);
        }
        else if (text.endsWith("M"))
        {
            multiplier = 1_000_000;
            digits = text.substring(0, text.length() - 1);
        }
        try
        {
            final long count = Math.multiplyExact(Long.parseLong(digits), multiplier);
            if (count < 1)
            {
                throw new CommandLine.TypeConversionException("'" + value + "' must be at least 1");
            }
            return count;
        }
        catch (final NumberFormatException | ArithmeticException ex)
        {
            throw new CommandLine.TypeConversionException("'" + value + "' is not a count (e.g. 10000, 10K, 1M)");
        }
    }
}
