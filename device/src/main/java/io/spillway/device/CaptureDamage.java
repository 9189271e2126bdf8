package io.spillway.device;

import java.nio.file.Path;

/**
 * Where and why a capture file could not be read further. Every packet before {@code offset}
 * was delivered.
 */
public record CaptureDamage(Path file, long offset, String problem)
{
    @Override
    public String toString()
    {
        return file + ": at byte offset " + offset + ": " + problem;
    }
}
