package io.spillway.capture.file;

import io.spillway.device.PacketSource;
import io.spillway.device.PacketHandler;
import io.spillway.device.CaptureDamage;
import io.spillway.packet.memory.OffHeapMemory;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Capture files read one after the other as one {@link PacketSource}. Each file is mapped in its own shared arena
 * when reading reaches it and stays mapped until {@link #close()}, because other threads hold addresses of its
 * packets until the pipeline closes the source.
 */
final class CaptureFileSequence implements PacketSource
{
    private final List<Path> files;
    private final long[] sizes;
    private final long bytesTotal;
    private final List<Arena> arenas = new ArrayList<>();
    private int nextFile;
    /** Page tables are populated this far ahead of the reader, a chunk at a time. */
    private static final long POPULATE_AHEAD = 64L << 20;
    private static final long POPULATE_CHUNK = 16L << 20;

    private CaptureFileReader reader;
    private MemorySegment mapped;
    private long populatedTo;
    private long currentFileSize;
    private long bytesOfFinishedFiles;
    private boolean closed;
    // Written by the capture thread, read by the progress line and after the run.
    private volatile long bytesRead;
    private volatile List<CaptureDamage> damages = List.of();

    /** @param sizes the size of each file when it was opened. */
    CaptureFileSequence(final List<Path> files, final long[] sizes)
    {
        this.files = files;
        this.sizes = sizes.clone();
        long total = 0;
        for (final long size : sizes)
        {
            total += size;
        }
        this.bytesTotal = total;
    }

    @Override
    public int poll(final PacketHandler handler, final int limit)
    {
        if (closed)
        {
            throw new IllegalStateException("capture files already closed");
        }
        int delivered = 0;
        while (delivered < limit)
        {
            if (reader == null && !openNextFile())
            {
                break;
            }
            if (reader != null)
            {
                populateAhead();
                delivered += reader.read(handler, limit - delivered);
                if (reader.isFinished())
                {
                    finishFile(reader.damage());
                }
            }
        }
        bytesRead = bytesOfFinishedFiles + (reader == null ? 0 : Math.min(reader.position(), currentFileSize));
        return delivered == 0 && reader == null && nextFile == files.size() ? END : delivered;
    }

    @Override
    public long bytesRead()
    {
        return bytesRead;
    }

    @Override
    public long bytesTotal()
    {
        return bytesTotal;
    }

    @Override
    public List<CaptureDamage> damages()
    {
        return damages;
    }

    @Override
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        reader = null;
        for (final Arena arena : arenas)
        {
            arena.close();
        }
        arenas.clear();
    }

    /**
     * Maps the next file and creates its reader; a file that can no longer be read counts as damaged.
     *
     * @return false when no file is left.
     */
    private boolean openNextFile()
    {
        if (nextFile == files.size())
        {
            return false;
        }
        final int index = nextFile++;
        final Path file = files.get(index);
        currentFileSize = sizes[index];
        final Arena arena = Arena.ofShared();
        final String problem = mapReader(file, arena);
        if (problem == null)
        {
            arenas.add(arena);
        }
        else
        {
            arena.close();
            finishFile(new CaptureDamage(file, 0, problem));
        }
        return true;
    }

    /** Maps the file into the arena and sets the reader; returns the problem when that fails, else null. */
    private String mapReader(final Path file, final Arena arena)
    {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ))
        {
            // Bytes appended since opening are ignored so the progress total stays true; a file that shrank is
            // mapped only up to its end, as touching a page beyond it would crash the JVM.
            final long mappedSize = Math.min(channel.size(), currentFileSize);
            final MemorySegment content = channel.map(FileChannel.MapMode.READ_ONLY, 0, mappedSize, arena);
            OffHeapMemory.adviseSequential(content);
            reader = CaptureFiles.newReader(file, content);
            mapped = content;
            populatedTo = 0;
            return null;
        }
        catch (final NoSuchFileException ex)
        {
            return "no longer exists";
        }
        catch (final AccessDeniedException ex)
        {
            return "can no longer be read: permission denied";
        }
        catch (final IOException ex)
        {
            return "can no longer be read: " + ex.getMessage();
        }
        catch (final CaptureFileException ex)
        {
            return ex.problem();
        }
    }

    /** Keeps the page tables mapped {@link #POPULATE_AHEAD} bytes ahead of the reader. */
    private void populateAhead()
    {
        final long size = mapped.byteSize();
        while (populatedTo < size && populatedTo < reader.position() + POPULATE_AHEAD)
        {
            OffHeapMemory.populate(mapped, populatedTo, POPULATE_CHUNK);
            populatedTo += POPULATE_CHUNK;
        }
    }

    private void finishFile(final CaptureDamage damage)
    {
        if (damage != null)
        {
            final List<CaptureDamage> more = new ArrayList<>(damages);
            more.add(damage);
            damages = List.copyOf(more);
        }
        bytesOfFinishedFiles += currentFileSize;
        reader = null;
    }
}
