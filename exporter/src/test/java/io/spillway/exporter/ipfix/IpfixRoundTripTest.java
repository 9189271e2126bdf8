package io.spillway.exporter.ipfix;

import io.spillway.exporter.FlowRecord;
import org.agrona.concurrent.CachedEpochClock;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Every field of every record shape survives encoding, checked by an independent decoder.
 */
class IpfixRoundTripTest
{
    @Test
    void shouldDecodeEveryRecordAsItWasGiven()
    {
        final long pen = 4_200_000_123L;
        final CachedEpochClock clock = new CachedEpochClock();
        clock.update(SyntheticRecords.BASE_MS);
        final CapturingTransport transport = new CapturingTransport(IpfixMessageWriter.MAX_MESSAGE_LENGTH);
        final IpfixExporter exporter = new IpfixExporter(
            transport, IpfixOptions.DEFAULTS.withEnterpriseNumber(pen), clock);
        final List<FlowRecord> records = new SyntheticRecords(7, true, true).next(5000);

        for (final FlowRecord record : records)
        {
            exporter.onRecord(record);
        }
        exporter.flush();

        final List<IpfixTestDecoder.DataRecord> decoded = transport.decode().records();
        assertEquals(records.size(), decoded.size());
        for (int i = 0; i < records.size(); i++)
        {
            RecordChecks.assertSameFlow(records.get(i), decoded.get(i), pen);
        }
    }
}
