package io.spillway.capture.file;

import io.spillway.device.PacketHandler;
import io.spillway.device.CaptureDamage;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;

/**
 * Reads the packets of one memory-mapped capture file, in file order, on the capture thread. Reading stops at the
 * end of the file or at the first damage, whichever comes first. Subclasses parse their format from
 * {@link #position} on and call {@link #stop} at damage.
 */
abstract class CaptureFileReader
{
    static final ValueLayout.OfInt INT_BIG_ENDIAN = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    static final ValueLayout.OfInt INT_LITTLE_ENDIAN =
        ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfShort SHORT_BIG_ENDIAN =
        ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    static final ValueLayout.OfShort SHORT_LITTLE_ENDIAN =
        ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    final Path file;
    final MemorySegment content;
    final long baseAddress;
    final long size;
    long position;
    boolean finished;
    private CaptureDamage damage;

    CaptureFileReader(final Path file, final MemorySegment content, final long firstRecordOffset)
    {
        this.file = file;
        this.content = content;
        this.baseAddress = content.address();
        this.size = content.byteSize();
        this.position = firstRecordOffset;
    }

    /**
     * Delivers up to {@code limit} packets to the handler.
     *
     * @return the number of packets delivered; fewer than {@code limit} only when the reader has finished.
     */
    abstract int read(PacketHandler handler, int limit);

    /** True once the end of the file or damage was reached: {@link #read} will deliver nothing more. */
    final boolean isFinished()
    {
        return finished;
    }

    /** Offset of the first byte not consumed yet. */
    final long position()
    {
        return position;
    }

    /** The damage that stopped reading, or null when the file was read whole (or not finished yet). */
    final CaptureDamage damage()
    {
        return damage;
    }

    /** Ends reading at damage found at {@code offset}; everything before it has been delivered. */
    final void stop(final long offset, final String problem)
    {
        damage = new CaptureDamage(file, offset, problem);
        finished = true;
    }
}
