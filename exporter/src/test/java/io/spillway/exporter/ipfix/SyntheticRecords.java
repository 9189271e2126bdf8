package io.spillway.exporter.ipfix;

import io.spillway.exporter.FlowEndReason;
import io.spillway.exporter.FlowRecord;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Seeded random flow records of every shape: IPv4 and IPv6; TCP, UDP, SCTP and ICMP; one-way and biflows; tagged and
 * untagged; with and without DPI results and hardware-counted shares.
 */
public final class SyntheticRecords
{
    public static final long BASE_MS = 1_700_000_000_000L;
    private static final byte[] NAME_CHARACTERS =
        "abcdefghijklmnopqrstuvwxyz0123456789.-".getBytes(StandardCharsets.US_ASCII);

    private final SplittableRandom random;
    private final boolean applications;
    private final boolean hardware;

    /**
     * @param applications whether some records carry DPI results.
     * @param hardware     whether some records have a hardware-counted share.
     */
    public SyntheticRecords(final long seed, final boolean applications, final boolean hardware)
    {
        this.random = new SplittableRandom(seed);
        this.applications = applications;
        this.hardware = hardware;
    }

    public List<FlowRecord> next(final int count)
    {
        final List<FlowRecord> records = new ArrayList<>(count);
        for (int i = 0; i < count; i++)
        {
            records.add(next());
        }
        return records;
    }

    public FlowRecord next()
    {
        final FlowRecord record = new FlowRecord()
            .wrap(new UnsafeBuffer(new byte[FlowRecord.MAX_LENGTH + 32]), 32)
            .clear();
        final boolean ipv6 = random.nextInt(10) < 3;
        final int kind = random.nextInt(20);
        final int protocol = kind < 10 ? 6 : kind < 16 ? 17 : kind < 17 ? 132 : ipv6 ? 58 : 1;
        record.ipVersion(ipv6 ? 6 : 4).protocol(protocol);
        if (ipv6)
        {
            record.srcIPv6(0x20010DB800000000L | random.nextInt(1 << 16), random.nextLong());
            record.dstIPv6(0x20010DB8FFFF0000L | random.nextInt(1 << 16), random.nextLong());
        }
        else
        {
            record.srcIPv4(0x0A000000 | random.nextInt(1 << 24)).dstIPv4(0xC0A80000 | random.nextInt(1 << 16));
        }

        if (1 == protocol || 58 == protocol)
        {
            final int type = 1 == protocol ? (random.nextBoolean() ? 8 : 3) : (random.nextBoolean() ? 128 : 1);
            record.srcPort(0).dstPort(type << 8 | random.nextInt(4));
        }
        else
        {
            record.srcPort(1024 + random.nextInt(64_000))
                .dstPort(random.nextBoolean() ? 443 : 1 + random.nextInt(65535));
        }

        if (random.nextInt(10) < 3)
        {
            record.vlanId(1 + random.nextInt(4094));
        }
        record.ingressInterface(random.nextInt(16));
        record.endReason(FlowEndReason.IDLE_TIMEOUT + random.nextInt(5));

        final long fwdPackets = 1 + random.nextInt(random.nextBoolean() ? 10 : 1_000_000);
        final long fwdOctets = fwdPackets * (40 + random.nextInt(1460));
        final long fwdFirst = BASE_MS + random.nextInt(3_600_000);
        record.fwdPackets(fwdPackets).fwdOctets(fwdOctets).fwdL2Octets(fwdOctets + 14 * fwdPackets)
            .fwdFirstMillis(fwdFirst).fwdLastMillis(fwdFirst + random.nextInt(120_000));
        if (random.nextInt(10) < 6)
        {
            final long revPackets = 1 + random.nextInt(random.nextBoolean() ? 10 : 1_000_000);
            final long revOctets = revPackets * (40 + random.nextInt(1460));
            final long revFirst = fwdFirst + random.nextInt(500);
            record.revPackets(revPackets).revOctets(revOctets).revL2Octets(revOctets + 18 * revPackets)
                .revFirstMillis(revFirst).revLastMillis(revFirst + random.nextInt(120_000));
        }
        if (6 == protocol)
        {
            record.fwdTcpFlags(0x02 | random.nextInt(256)).revTcpFlags(record.revPackets() > 0 ? 0x12 : 0);
        }

        if (hardware && random.nextInt(10) < 2)
        {
            final long total = record.fwdPackets() + record.revPackets();
            record.hwPackets(1 + random.nextLong(total)).hwOctets(40 + random.nextLong(record.fwdOctets()));
        }

        if (applications && random.nextInt(10) < 4)
        {
            record.detection(1 + random.nextInt(2)).masterProtocol(random.nextInt(400))
                .appProtocol(random.nextInt(4) == 0 ? 0 : random.nextInt(400)).category(random.nextInt(40));
            final byte[] appName = name(random.nextInt(FlowRecord.MAX_APP_NAME_LENGTH + 1));
            final int serverLength = random.nextInt(8) == 0 ? FlowRecord.MAX_SERVER_NAME_LENGTH :
                random.nextInt(FlowRecord.MAX_SERVER_NAME_LENGTH);
            final byte[] serverName = name(serverLength);
            record.names(new UnsafeBuffer(appName), 0, appName.length, new UnsafeBuffer(serverName), 0,
                serverName.length);
        }

        return record;
    }

    private byte[] name(final int length)
    {
        final byte[] name = new byte[length];
        for (int i = 0; i < length; i++)
        {
            name[i] = NAME_CHARACTERS[random.nextInt(NAME_CHARACTERS.length)];
        }
        return name;
    }
}
