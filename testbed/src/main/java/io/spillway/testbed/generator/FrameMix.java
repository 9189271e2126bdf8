package io.spillway.testbed.generator;

import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The frame sizes of a capture: one fixed size, or a few size classes drawn per packet with integer weights,
 * like the simple IMIX (7 frames of 64 bytes, 4 of 594 and 1 of 1518 in every 12). Immutable.
 * <p>
 * A draw is one {@link SplittableRandom#nextInt(int)} below the total weight and a scan of the cumulative
 * weights; the classes are few, so this is O(1) per packet and allocates nothing. A fixed size draws nothing,
 * so it leaves the random streams, and thus the bytes of a capture, as they were before mixes existed.
 */
public final class FrameMix
{
    /** Enough for any published IMIX; keeps the per-packet scan short. */
    public static final int MAX_CLASSES = 16;
    /** Keeps the total weight within an int. */
    public static final int MAX_TOTAL_WEIGHT = 1_000_000;

    private static final FrameMix SIMPLE_IMIX = new FrameMix(new int[]{64, 594, 1518}, new int[]{7, 4, 1});

    private final int[] sizes;
    private final int[] weights;
    private final int[] cumulativeWeights;
    private final int totalWeight;

    private FrameMix(final int[] sizes, final int[] weights)
    {
        if (sizes.length < 1 || sizes.length > MAX_CLASSES)
        {
            throw new IllegalArgumentException(
                "a frame mix has 1 to " + MAX_CLASSES + " size classes: " + sizes.length);
        }
        long total = 0;
        cumulativeWeights = new int[sizes.length];
        for (int i = 0; i < sizes.length; i++)
        {
            if (sizes[i] < GeneratorSpec.MIN_FRAME_SIZE || sizes[i] > GeneratorSpec.MAX_FRAME_SIZE)
            {
                throw new IllegalArgumentException("frame sizes must be in [" + GeneratorSpec.MIN_FRAME_SIZE + ", " +
                    GeneratorSpec.MAX_FRAME_SIZE + "]: " + sizes[i]);
            }
            if (weights[i] < 1)
            {
                throw new IllegalArgumentException("frame size weights must be at least 1: " + weights[i]);
            }
            for (int j = 0; j < i; j++)
            {
                if (sizes[j] == sizes[i])
                {
                    throw new IllegalArgumentException("frame size " + sizes[i] + " is listed twice");
                }
            }
            total += weights[i];
            if (total > MAX_TOTAL_WEIGHT)
            {
                throw new IllegalArgumentException("frame size weights must add up to at most " + MAX_TOTAL_WEIGHT);
            }
            cumulativeWeights[i] = (int)total;
        }
        this.sizes = sizes.clone();
        this.weights = weights.clone();
        totalWeight = (int)total;
    }

    /** Every frame {@code size} bytes. */
    public static FrameMix fixed(final int size)
    {
        return new FrameMix(new int[]{size}, new int[]{1});
    }

    /** The simple IMIX: 64, 594 and 1518 bytes in the ratio 7:4:1. */
    public static FrameMix simpleImix()
    {
        return SIMPLE_IMIX;
    }

    /**
     * Reads {@code SIZE:WEIGHT[,SIZE:WEIGHT]...}, such as {@code 64:7,594:4,1518:1}; a lone {@code SIZE} is a
     * fixed size.
     *
     * @throws IllegalArgumentException saying what is wrong.
     */
    public static FrameMix parse(final String text)
    {
        final String[] entries = text.strip().split(",", -1);
        if (entries.length > MAX_CLASSES)
        {
            throw new IllegalArgumentException("a frame mix has 1 to " + MAX_CLASSES + " size classes: " + text);
        }
        final int[] sizes = new int[entries.length];
        final int[] weights = new int[entries.length];
        for (int i = 0; i < entries.length; i++)
        {
            final String[] parts = entries[i].strip().split(":", -1);
            if (parts.length > 2 || (parts.length == 1 && entries.length > 1))
            {
                throw new IllegalArgumentException("expected SIZE:WEIGHT[,SIZE:WEIGHT]..., got '" + text + "'");
            }
            sizes[i] = parseInt(parts[0], text);
            weights[i] = parts.length == 2 ? parseInt(parts[1], text) : 1;
        }
        return new FrameMix(sizes, weights);
    }

    private static int parseInt(final String number, final String text)
    {
        try
        {
            return Integer.parseInt(number.strip());
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException(
                "expected SIZE:WEIGHT[,SIZE:WEIGHT]... with whole numbers, got '" + text + "'", ex);
        }
    }

    public boolean isFixed()
    {
        return sizes.length == 1;
    }

    public int classes()
    {
        return sizes.length;
    }

    /** Bytes of the frames of class {@code sizeClass}, in the order the mix was given. */
    public int size(final int sizeClass)
    {
        return sizes[sizeClass];
    }

    public int weight(final int sizeClass)
    {
        return weights[sizeClass];
    }

    /** Probability of class {@code sizeClass} per packet. */
    public double share(final int sizeClass)
    {
        return (double)weights[sizeClass] / totalWeight;
    }

    public int smallest()
    {
        return Arrays.stream(sizes).min().orElseThrow();
    }

    public int largest()
    {
        return Arrays.stream(sizes).max().orElseThrow();
    }

    /** The class of the next frame: always 0, without a draw, for a fixed size. */
    int drawClass(final SplittableRandom random)
    {
        if (sizes.length == 1)
        {
            return 0;
        }
        final int draw = random.nextInt(totalWeight);
        int sizeClass = 0;
        while (cumulativeWeights[sizeClass] <= draw)
        {
            sizeClass++;
        }
        return sizeClass;
    }

    @Override
    public boolean equals(final Object other)
    {
        return other instanceof FrameMix mix && Arrays.equals(sizes, mix.sizes) && Arrays.equals(weights, mix.weights);
    }

    @Override
    public int hashCode()
    {
        return 31 * Arrays.hashCode(sizes) + Arrays.hashCode(weights);
    }

    /** The form {@link #parse} reads: {@code 64} or {@code 64:7,594:4,1518:1}. */
    @Override
    public String toString()
    {
        if (isFixed())
        {
            return Integer.toString(sizes[0]);
        }
        final StringBuilder text = new StringBuilder();
        for (int i = 0; i < sizes.length; i++)
        {
            text.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT, "%d:%d", sizes[i], weights[i]));
        }
        return text.toString();
    }
}
