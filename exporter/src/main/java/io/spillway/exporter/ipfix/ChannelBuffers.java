package io.spillway.exporter.ipfix;

import org.agrona.DirectBuffer;

import java.nio.ByteBuffer;

/**
 * Hands a region of an Agrona buffer to an NIO channel without allocating: the position and limit of the direct
 * {@link ByteBuffer} it wraps are set to the region.
 */
final class ChannelBuffers
{
    private ChannelBuffers()
    {
    }

    /**
     * @param buffer a buffer wrapping a direct {@link ByteBuffer}; its absolute accessors are unaffected.
     * @return that ByteBuffer, positioned at {@code offset} with {@code length} bytes remaining.
     */
    static ByteBuffer view(final DirectBuffer buffer, final int offset, final int length)
    {
        final ByteBuffer byteBuffer = buffer.byteBuffer();
        if (null == byteBuffer || !byteBuffer.isDirect())
        {
            throw new IllegalArgumentException("IPFIX messages must be in a buffer wrapping a direct ByteBuffer");
        }

        final int start = buffer.wrapAdjustment() + offset;
        byteBuffer.clear();
        byteBuffer.limit(start + length);
        byteBuffer.position(start);

        return byteBuffer;
    }
}
