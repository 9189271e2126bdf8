package io.spillway.capture.file;

import io.spillway.device.DeviceUnavailableException;

import java.nio.file.Path;

/**
 * A capture file that cannot be opened: missing, unreadable, empty, not a capture file, or of an unsupported
 * version. The message names the file and the problem in words meant for the operator. The device cannot open.
 */
public final class CaptureFileException extends DeviceUnavailableException
{
    private final Path file;
    private final String problem;

    public CaptureFileException(final Path file, final String problem)
    {
        this(file, problem, null);
    }

    public CaptureFileException(final Path file, final String problem, final Throwable cause)
    {
        super(file + ": " + problem, cause);
        this.file = file;
        this.problem = problem;
    }

    public Path file()
    {
        return file;
    }

    /** The problem without the file name, e.g. "is empty". */
    public String problem()
    {
        return problem;
    }
}
