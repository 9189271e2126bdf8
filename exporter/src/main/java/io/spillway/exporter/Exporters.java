package io.spillway.exporter;

import io.spillway.exporter.json.JsonLinesExporter;

import java.io.FileDescriptor;
import java.io.FileNotFoundException;
import java.io.FileOutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Opens the {@link FlowExporter} an export target names.
 */
public final class Exporters
{
    private static final String STDOUT_NAME = "standard output";

    private Exporters()
    {
    }

    /**
     * Parses {@code spec} (see {@link ExportTarget}) and opens its exporter.
     *
     * @throws IllegalArgumentException when the spec is invalid or names something this build cannot use.
     * @throws UncheckedIOException     when the output file cannot be opened (e.g. permission denied).
     */
    public static FlowExporter open(final String spec)
    {
        return open(ExportTarget.parse(spec));
    }

    /**
     * Opens the exporter for {@code target}. A file is created, or truncated when it exists.
     *
     * @throws IllegalArgumentException when the target names something this build cannot use.
     * @throws UncheckedIOException     when the output file cannot be opened (e.g. permission denied).
     */
    public static FlowExporter open(final ExportTarget target)
    {
        return switch (target.format())
        {
            case JSON -> openJson(target);
            case IPFIX -> throw new IllegalArgumentException(
                "IPFIX export is not available in this build: '" + target + "'; use json:- or json:PATH");
        };
    }

    private static FlowExporter openJson(final ExportTarget target)
    {
        if (ExportTarget.Transport.STDOUT == target.transport())
        {
            // Straight to file descriptor 1: System.out is a PrintStream, which hides write errors such as EPIPE.
            return new JsonLinesExporter(new FileOutputStream(FileDescriptor.out), STDOUT_NAME, false);
        }

        final Path path = target.path();
        checkWritableLocation(target, path);
        try
        {
            return new JsonLinesExporter(new FileOutputStream(path.toFile()), path.toString(), true);
        }
        catch (final FileNotFoundException ex)
        {
            throw new UncheckedIOException("cannot open '" + path + "' for export target '" + target + "': " +
                ex.getMessage(), ex);
        }
    }

    private static void checkWritableLocation(final ExportTarget target, final Path path)
    {
        final Path parent = path.toAbsolutePath().getParent();
        if (null != parent && !Files.isDirectory(parent))
        {
            final String problem = Files.exists(parent) ?
                "'" + parent + "' is not a directory" : "directory '" + parent + "' does not exist";
            throw new IllegalArgumentException("export target '" + target + "': " + problem);
        }

        if (Files.isDirectory(path))
        {
            throw new IllegalArgumentException("export target '" + target + "': '" + path + "' is a directory");
        }
    }
}
