package io.spillway.capture.reference;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The real captures in ../shared/pcaps (the surefire property spillway.pcaps points there). */
public final class TestCaptures
{
    private TestCaptures()
    {
    }

    public static Path directory()
    {
        final String configured = System.getProperty("spillway.pcaps");
        final Path dir = configured != null ? Path.of(configured) : Path.of("..", "..", "shared", "pcaps");
        if (!Files.isDirectory(dir))
        {
            throw new IllegalStateException("the shared captures are missing: " + dir.toAbsolutePath());
        }
        return dir;
    }

    public static Path file(final String name)
    {
        return directory().resolve(name);
    }

    /** Every capture in the directory, sorted by name. */
    public static List<Path> all()
    {
        try (Stream<Path> files = Files.list(directory()))
        {
            return files.filter(f -> f.getFileName().toString().matches(".*\\.(pcap|pcapng|cap)")).sorted().toList();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}
