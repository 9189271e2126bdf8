package io.spillway.testbed.generator;

import java.util.Locale;

/** What the frames carry after their headers. */
public enum PayloadKind
{
    /** Random bytes in every packet: nothing for DPI to recognise, its worst case. */
    RANDOM,
    /**
     * The first packet of each flow opens a protocol that DPI recognises (see {@link Opening}), naming a
     * well-known server; the packets after it carry random bytes (DNS flows repeat their query instead).
     */
    REALISTIC;

    /**
     * Reads {@code random} or {@code realistic}.
     *
     * @throws IllegalArgumentException saying what is wrong.
     */
    public static PayloadKind parse(final String text)
    {
        return switch (text.strip().toLowerCase(Locale.ROOT))
        {
            case "random" -> RANDOM;
            case "realistic" -> REALISTIC;
            default -> throw new IllegalArgumentException("expected random or realistic, got '" + text + "'");
        };
    }

    @Override
    public String toString()
    {
        return name().toLowerCase(Locale.ROOT);
    }
}
