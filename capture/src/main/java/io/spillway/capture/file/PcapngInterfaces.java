package io.spillway.capture.file;

import java.util.Arrays;

/**
 * The interfaces described so far in one pcapng file, indexed file-globally: the n-th Interface Description
 * Block of the file, counting across sections, is interface n. Grows only when an IDB is read, never per packet.
 */
final class PcapngInterfaces
{
    private static final int INITIAL_CAPACITY = 4;

    private int count;
    private int[] linkTypes = new int[INITIAL_CAPACITY];
    private long[] snapLengths = new long[INITIAL_CAPACITY];
    private TimestampResolution[] resolutions = new TimestampResolution[INITIAL_CAPACITY];
    private long[] offsetNanos = new long[INITIAL_CAPACITY];

    int count()
    {
        return count;
    }

    void add(final int linkType, final long snapLength, final TimestampResolution resolution, final long offsetSeconds)
    {
        if (count == linkTypes.length)
        {
            final int capacity = count * 2;
            linkTypes = Arrays.copyOf(linkTypes, capacity);
            snapLengths = Arrays.copyOf(snapLengths, capacity);
            resolutions = Arrays.copyOf(resolutions, capacity);
            offsetNanos = Arrays.copyOf(offsetNanos, capacity);
        }
        linkTypes[count] = linkType;
        snapLengths[count] = snapLength;
        resolutions[count] = resolution;
        offsetNanos[count] = offsetSeconds * 1_000_000_000L;
        count++;
    }

    int linkType(final int interfaceId)
    {
        return linkTypes[interfaceId];
    }

    /** The unsigned snaplen of the interface, 0 when it set no limit. */
    long snapLength(final int interfaceId)
    {
        return snapLengths[interfaceId];
    }

    /** Converts a timestamp in the interface's units to nanoseconds since the epoch, if_tsoffset included. */
    long toNanos(final int interfaceId, final long units)
    {
        return resolutions[interfaceId].toNanos(units) + offsetNanos[interfaceId];
    }
}
