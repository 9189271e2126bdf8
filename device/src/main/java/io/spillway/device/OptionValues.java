package io.spillway.device;

import java.util.Locale;

/**
 * Reads the values of backend options as typed on the command line, with errors that name the option. Counts take
 * binary multiples (64K, 2M, 1G) as table and ring sizes usually are.
 */
public final class OptionValues
{
    private OptionValues()
    {
    }

    /** A count such as 65536, 64K, 2M or 1G, between 1 and {@code max}. */
    public static long count(final String option, final String value, final long max)
    {
        final String text = value.trim().toUpperCase(Locale.ROOT);
        final int shift = text.endsWith("K") ? 10 : text.endsWith("M") ? 20 : text.endsWith("G") ? 30 : 0;
        final String digits = shift == 0 ? text : text.substring(0, text.length() - 1);
        final long count;
        try
        {
            count = Long.parseLong(digits) << shift;
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException("--" + option + ": '" + value + "' is not a count (e.g. 65536, 64K, 2M)");
        }
        if (count < 1 || count > max || count >>> shift != Long.parseLong(digits))
        {
            throw new IllegalArgumentException("--" + option + ": '" + value + "' is out of range (1 to " + max + ")");
        }
        return count;
    }

    /** A number of at least {@code min}. */
    public static double number(final String option, final String value, final double min)
    {
        final double number;
        try
        {
            number = Double.parseDouble(value.trim());
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException("--" + option + ": '" + value + "' is not a number");
        }
        if (!(number >= min) || Double.isInfinite(number))
        {
            throw new IllegalArgumentException("--" + option + " must be at least " + min + ", not " + value);
        }
        return number;
    }

    /** A flag's value: "true" or "false". */
    public static boolean flag(final String option, final String value)
    {
        return switch (value.trim().toLowerCase(Locale.ROOT))
        {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("--" + option + " takes no value, not '" + value + "'");
        };
    }
}
