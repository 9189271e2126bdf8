package io.spillway.capture.file;

import io.spillway.device.PacketSource;
import io.spillway.device.PacketHandler;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/** Records every packet a {@link PacketSource} delivers, bytes included, for assertions. */
public final class PacketRecorder implements PacketHandler
{
    /** One delivered packet; equal when every field and every captured byte is equal. */
    public record Packet(
        int capturedLength, int wireLength, long timestampNanos, int linkType, int interfaceId, byte[] data)
    {
        @Override
        public boolean equals(final Object other)
        {
            return other instanceof final Packet that &&
                capturedLength == that.capturedLength &&
                wireLength == that.wireLength &&
                timestampNanos == that.timestampNanos &&
                linkType == that.linkType &&
                interfaceId == that.interfaceId &&
                Arrays.equals(data, that.data);
        }

        @Override
        public int hashCode()
        {
            return Long.hashCode(timestampNanos) * 31 + Arrays.hashCode(data);
        }

        @Override
        public String toString()
        {
            final String bytes = HexFormat.of().formatHex(data, 0, Math.min(data.length, 16));
            return "Packet[cap=" + capturedLength + " wire=" + wireLength + " ts=" + timestampNanos + " link=" +
                linkType + " if=" + interfaceId + " data=" + bytes + (data.length > 16 ? "...]" : "]");
        }
    }

    private final List<Packet> packets = new ArrayList<>();

    @Override
    @SuppressWarnings("restricted") // reading packet bytes at the address the source handed out is the point
    public void onPacket(
        final long address,
        final int capturedLength,
        final int wireLength,
        final long timestampNanos,
        final int linkType,
        final int interfaceId)
    {
        final byte[] data = MemorySegment.ofAddress(address).reinterpret(capturedLength).toArray(ValueLayout.JAVA_BYTE);
        packets.add(new Packet(capturedLength, wireLength, timestampNanos, linkType, interfaceId, data));
    }

    public List<Packet> packets()
    {
        return packets;
    }

    /** Polls the source in batches of {@code batch} until it ends, and returns every packet it delivered. */
    public static List<Packet> readAll(final PacketSource source, final int batch)
    {
        final PacketRecorder recorder = new PacketRecorder();
        while (source.poll(recorder, batch) != PacketSource.END)
        {
            // Files are always ready: every poll before the end delivers at least one packet.
        }
        return recorder.packets();
    }
}
