package io.spillway.testbed.generator;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The server names that realistic openings carry, from the bundled resource {@code server-names.txt}: services
 * nDPI knows, so that many flows map to an application and not just to a protocol.
 */
final class ServerNames
{
    private static final String RESOURCE = "server-names.txt";
    private static final List<String> NAMES = load();

    private ServerNames()
    {
    }

    static List<String> all()
    {
        return NAMES;
    }

    /** Characters of the longest name. */
    static int longestLength()
    {
        return NAMES.stream().mapToInt(String::length).max().orElse(0);
    }

    /** The names as ASCII bytes, in the order of {@link #all()}. */
    static byte[][] ascii()
    {
        final byte[][] names = new byte[NAMES.size()][];
        for (int i = 0; i < names.length; i++)
        {
            names[i] = NAMES.get(i).getBytes(StandardCharsets.US_ASCII);
        }
        return names;
    }

    private static List<String> load()
    {
        try (InputStream in = ServerNames.class.getResourceAsStream(RESOURCE))
        {
            if (in == null)
            {
                throw new IllegalStateException("missing resource " + RESOURCE);
            }
            final List<String> names = new ArrayList<>();
            for (final String line : new String(in.readAllBytes(), StandardCharsets.US_ASCII).split("\n"))
            {
                final String name = line.strip();
                if (!name.isEmpty() && !name.startsWith("#"))
                {
                    names.add(name);
                }
            }
            return List.copyOf(names);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}
