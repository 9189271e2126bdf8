package io.spillway.dpi;

import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static io.spillway.dpi.NdpiNative.RESULT_APP_NAME_LENGTH_OFFSET;
import static io.spillway.dpi.NdpiNative.RESULT_APP_NAME_OFFSET;
import static io.spillway.dpi.NdpiNative.RESULT_APP_PROTOCOL_OFFSET;
import static io.spillway.dpi.NdpiNative.RESULT_CATEGORY_OFFSET;
import static io.spillway.dpi.NdpiNative.RESULT_GUESSED_OFFSET;
import static io.spillway.dpi.NdpiNative.RESULT_LENGTH;
import static io.spillway.dpi.NdpiNative.RESULT_MASTER_PROTOCOL_OFFSET;
import static io.spillway.dpi.NdpiNative.RESULT_SCRATCH_NAME_OFFSET;
import static io.spillway.dpi.NdpiNative.RESULT_SERVER_NAME_LENGTH_OFFSET;
import static io.spillway.dpi.NdpiNative.RESULT_SERVER_NAME_OFFSET;
import static io.spillway.dpi.NdpiNative.RESULT_VERDICT_OFFSET;

/**
 * {@link Classifier} over one nDPI 4.2 detection module with every protocol enabled, through the
 * JNI glue. Obtain one per worker from {@link Dpi#newClassifier()}.
 * <p>
 * The glue writes each call's result into an off-heap block this object owns; the accessors read it.
 * Nothing is allocated per packet.
 */
public final class NdpiClassifier implements Classifier
{
    /** nDPI 4.2 must not create or destroy detection modules from two threads at once. */
    private static final Object MODULE_LIFECYCLE_LOCK = new Object();
    private static final int STATE_ALIGNMENT_MASK = 7;

    private final int flowStateSize;
    private final Arena arena = Arena.ofShared();
    private final UnsafeBuffer result;
    private long handle;

    NdpiClassifier(final int flowStateSize)
    {
        this.flowStateSize = flowStateSize;
        final MemorySegment block = arena.allocate(RESULT_LENGTH, Long.BYTES);
        result = new UnsafeBuffer(block.address(), RESULT_LENGTH);
        final long opened;
        synchronized (MODULE_LIFECYCLE_LOCK)
        {
            opened = NdpiNative.open(block.address());
        }
        if (opened == 0)
        {
            arena.close();
            throw new IllegalStateException("nDPI could not allocate a detection module (out of memory?)");
        }
        handle = opened;
    }

    @Override
    public int flowStateSize()
    {
        checkOpen();
        return flowStateSize;
    }

    @Override
    public void startFlow(final long stateAddress)
    {
        checkOpen();
        checkState(stateAddress);
        NdpiNative.startFlow(stateAddress);
    }

    @Override
    public int processPacket(final long stateAddress, final long ipPacketAddress, final int ipLength, final long timeMs)
    {
        final long module = checkOpen();
        checkState(stateAddress);
        if (ipPacketAddress == 0)
        {
            throw new IllegalArgumentException("packet address is 0");
        }
        if (ipLength <= 0 || ipLength > MAX_IP_LENGTH)
        {
            throw new IllegalArgumentException("ipLength must be in [1, " + MAX_IP_LENGTH + "]: " + ipLength);
        }
        return NdpiNative.processPacket(module, stateAddress, ipPacketAddress, ipLength, timeMs);
    }

    @Override
    public int giveUp(final long stateAddress)
    {
        final long module = checkOpen();
        checkState(stateAddress);
        return NdpiNative.giveUp(module, stateAddress);
    }

    @Override
    public void endFlow(final long stateAddress)
    {
        checkOpen();
        checkState(stateAddress);
        NdpiNative.endFlow(stateAddress);
    }

    @Override
    public int verdict()
    {
        checkOpen();
        return result.getInt(RESULT_VERDICT_OFFSET);
    }

    @Override
    public int masterProtocol()
    {
        checkOpen();
        return result.getShort(RESULT_MASTER_PROTOCOL_OFFSET) & 0xFFFF;
    }

    @Override
    public int appProtocol()
    {
        checkOpen();
        return result.getShort(RESULT_APP_PROTOCOL_OFFSET) & 0xFFFF;
    }

    @Override
    public int category()
    {
        checkOpen();
        return result.getInt(RESULT_CATEGORY_OFFSET);
    }

    @Override
    public boolean guessed()
    {
        checkOpen();
        return result.getInt(RESULT_GUESSED_OFFSET) != 0;
    }

    @Override
    public int appName(final MutableDirectBuffer buffer, final int index)
    {
        checkOpen();
        return copy(RESULT_APP_NAME_OFFSET, result.getInt(RESULT_APP_NAME_LENGTH_OFFSET), buffer, index);
    }

    @Override
    public int serverName(final MutableDirectBuffer buffer, final int index)
    {
        checkOpen();
        return copy(RESULT_SERVER_NAME_OFFSET, result.getInt(RESULT_SERVER_NAME_LENGTH_OFFSET), buffer, index);
    }

    @Override
    public int protocolName(
        final int masterProtocol, final int appProtocol, final MutableDirectBuffer buffer, final int index)
    {
        final long module = checkOpen();
        checkProtocolId(masterProtocol);
        checkProtocolId(appProtocol);
        return copy(RESULT_SCRATCH_NAME_OFFSET, NdpiNative.protocolName(module, masterProtocol, appProtocol),
            buffer, index);
    }

    @Override
    public int categoryName(final int category, final MutableDirectBuffer buffer, final int index)
    {
        final long module = checkOpen();
        return copy(RESULT_SCRATCH_NAME_OFFSET, NdpiNative.categoryName(module, category), buffer, index);
    }

    @Override
    public void close()
    {
        if (handle != 0)
        {
            synchronized (MODULE_LIFECYCLE_LOCK)
            {
                NdpiNative.close(handle);
            }
            handle = 0;
            arena.close();
        }
    }

    private int copy(final int offset, final int length, final MutableDirectBuffer buffer, final int index)
    {
        buffer.putBytes(index, result, offset, length);
        return length;
    }

    private long checkOpen()
    {
        final long module = handle;
        if (module == 0)
        {
            throw new IllegalStateException("classifier is closed");
        }
        return module;
    }

    private static void checkState(final long stateAddress)
    {
        // nDPI's flow struct holds 64-bit fields and pointers: a misaligned address is a caller bug.
        if (stateAddress == 0 || (stateAddress & STATE_ALIGNMENT_MASK) != 0)
        {
            throw new IllegalArgumentException("flow state address must be non-zero and 8-byte aligned: " +
                stateAddress);
        }
    }

    private static void checkProtocolId(final int protocol)
    {
        if (protocol < 0 || protocol > 0xFFFF)
        {
            throw new IllegalArgumentException("protocol id must be in [0, 65535]: " + protocol);
        }
    }
}
