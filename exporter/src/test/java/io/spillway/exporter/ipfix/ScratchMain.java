package io.spillway.exporter.ipfix;

import io.spillway.exporter.ExportTarget;
import io.spillway.exporter.Exporters;
import io.spillway.exporter.FlowRecord;
import org.agrona.concurrent.SystemEpochClock;

public class ScratchMain
{
    public static void main(final String[] args)
    {
        final IpfixExporter exporter = Exporters.openIpfix(ExportTarget.parse(args[0]), IpfixOptions.DEFAULTS,
            SystemEpochClock.INSTANCE, System.err::println);
        for (final FlowRecord r : new SyntheticRecords(Long.parseLong(args[2]), true, true).next(Integer.parseInt(args[1])))
        {
            exporter.onRecord(r);
        }
        exporter.close();
        System.err.println("dropped " + exporter.droppedRecords());
    }
}
