package io.spillway.exporter.kafka;

import io.spillway.exporter.FlowRecord;
import org.agrona.DirectBuffer;

/**
 * The Kafka record key of a flow: the same bytes for every record of one biflow, so the default partitioner sends
 * them all to one partition and a consumer sees them in order.
 * <p>
 * Layout (40 bytes): ip version, protocol, vlan id (2), then the two endpoints, each address (16) and port (2),
 * lower endpoint first. Ordering the endpoints makes the key the same whichever side a record names as the source,
 * so a flow whose direction the probe saw differently in a later record still keys alike. ICMP keeps type and code
 * in the destination port, which is part of the flow key too.
 */
final class FlowKey
{
    static final int LENGTH = 40;
    private static final int ENDPOINT_LENGTH = 18;
    private static final int ADDRESS_LENGTH = 16;
    private static final int IPV4_LENGTH = 4;

    private FlowKey()
    {
    }

    /** A new key array for {@code record}; the producer keeps it until the record is sent. */
    static byte[] of(final FlowRecord record)
    {
        final byte[] key = new byte[LENGTH];
        final DirectBuffer buffer = record.buffer();
        final int src = record.srcAddressOffset();
        final int dst = record.dstAddressOffset();
        key[0] = (byte)record.ipVersion();
        key[1] = (byte)record.protocol();
        key[2] = (byte)(record.vlanId() >>> 8);
        key[3] = (byte)record.vlanId();
        // An IPv4 address is the first 4 of its 16 bytes: only those are read, the key's other 12 stay 0.
        final int addressLength = 4 == record.ipVersion() ? IPV4_LENGTH : ADDRESS_LENGTH;
        final boolean srcFirst = compare(buffer, addressLength, src, record.srcPort(), dst, record.dstPort()) <= 0;
        putEndpoint(key, 4, buffer, addressLength, srcFirst ? src : dst,
            srcFirst ? record.srcPort() : record.dstPort());
        putEndpoint(key, 4 + ENDPOINT_LENGTH, buffer, addressLength, srcFirst ? dst : src,
            srcFirst ? record.dstPort() : record.srcPort());
        return key;
    }

    private static int compare(final DirectBuffer buffer, final int addressLength, final int a, final int aPort,
        final int b, final int bPort)
    {
        for (int i = 0; i < addressLength; i++)
        {
            final int diff = (buffer.getByte(a + i) & 0xFF) - (buffer.getByte(b + i) & 0xFF);
            if (0 != diff)
            {
                return diff;
            }
        }
        return Integer.compare(aPort, bPort);
    }

    private static void putEndpoint(final byte[] key, final int index, final DirectBuffer buffer,
        final int addressLength, final int address, final int port)
    {
        buffer.getBytes(address, key, index, addressLength);
        key[index + ADDRESS_LENGTH] = (byte)(port >>> 8);
        key[index + ADDRESS_LENGTH + 1] = (byte)port;
    }
}
