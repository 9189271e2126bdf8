package io.spillway.testbed.ab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/** {@code cells.csv}: one row per cell, every figure, for a spreadsheet or a script. */
final class CellsCsv
{
    private record Column(String name, Function<CellResult, Object> value)
    {
    }

    static final List<String> HEADER;
    private static final List<Column> COLUMNS = List.of(
        new Column("active_flows", r -> r.cell().activeFlows()),
        new Column("new_flows_per_sec", r -> r.cell().newFlowsPerSecond()),
        new Column("offload", r -> r.cell().offload() ? "on" : "off"),
        new Column("dpi", r -> r.cell().dpi() ? "on" : "off"),
        new Column("mode", r -> AbCell.MODE),
        new Column("queues", CellResult::queues),
        new Column("pacing", r -> r.paced() ? "paced" : "max"),
        new Column("requested_pps", CellResult::requestedPps),
        new Column("achieved_pps", CellResult::achievedPps),
        new Column("max_lag_ms", r -> r.maxLagNs() / 1e6),
        new Column("wall_s", CellResult::wallSeconds),
        new Column("window_s", r -> r.window() == null ? Double.NaN : r.window().ns() / 1e9),
        new Column("window_packets", r -> r.window() == null ? "" : r.window().packets()),
        new Column("host_pct", CellResult::hostPercent),
        new Column("loss_pct", CellResult::lossPercent),
        new Column("host_cpu_pct", CellResult::hostCpuPercent),
        new Column("worker_ns_per_offered_packet", CellResult::workerNsPerPacket),
        new Column("worker_runqueue_wait_pct", CellResult::workerWaitPercent),
        new Column("worker_sleeps_per_s", r -> r.window() == null ? Double.NaN :
            r.window().workerSleeps() * 1e9 / r.window().ns()),
        new Column("capture_cpu_pct", CellResult::captureCpuPercent),
        new Column("capture_runqueue_wait_pct", r -> r.window() == null ? Double.NaN :
            100.0 * r.window().captureWaitNs() / r.window().ns()),
        new Column("offload_cpu_pct", CellResult::offloadCpuPercent),
        new Column("offload_runqueue_wait_pct", r -> r.window() == null ? Double.NaN :
            100.0 * r.window().offloadWaitNs() / r.window().ns()),
        new Column("offered_packets", CellResult::offeredPackets),
        new Column("offered_bytes", CellResult::offeredBytes),
        new Column("host_packets", CellResult::hostPackets),
        new Column("cell_host_pct", CellResult::cellHostPercent),
        new Column("nic_lost_packets", CellResult::nicDrops),
        new Column("cell_loss_pct", CellResult::cellLossPercent),
        new Column("hw_packets", CellResult::hwPackets),
        new Column("cell_hw_pct", CellResult::hardwarePercent),
        new Column("cell_host_cpu_pct", CellResult::cellHostCpuPercent),
        new Column("worker_cpu_s", r -> r.workerCpuNs() / 1e9),
        new Column("capture_cpu_s", r -> r.captureCpuNs() / 1e9),
        new Column("offload_cpu_s", r -> r.offloadCpuNs() / 1e9),
        new Column("export_cpu_s", r -> r.exportCpuNs() / 1e9),
        new Column("offload_requests", CellResult::requests),
        new Column("learns_done", CellResult::learnsDone),
        new Column("learns_refused_rate", CellResult::learnsRefusedRate),
        new Column("requests_not_queued", CellResult::requestsNotQueued),
        new Column("learns_failed_table_full", CellResult::learnsFailedTableFull),
        new Column("hw_table_peak_flows", CellResult::tableFlowsPeak),
        new Column("hw_table_capacity", CellResult::nicCapacity),
        new Column("hw_table_peak_pct", CellResult::tablePeakPercent),
        new Column("flows_created", CellResult::flowsCreated),
        new Column("dpi_packets_inspected", CellResult::dpiPacketsInspected),
        new Column("records_exported", CellResult::records),
        new Column("record_packets", CellResult::recordPackets),
        new Column("record_bytes", CellResult::recordBytes),
        new Column("record_hw_packets", CellResult::recordHwPackets),
        new Column("exact", r -> r.exact() ? "yes" : "no"),
        new Column("cache_bytes_per_flow_computed", CellResult::cacheBytesPerFlow),
        new Column("dpi_bytes_per_flow_computed", CellResult::dpiBytesPerFlow),
        new Column("dpi_state_bytes_while_inspected_computed", CellResult::dpiStateBytes),
        new Column("rss_delta_bytes_measured", CellResult::rssDeltaBytes),
        new Column("rss_bytes_per_flow_measured", CellResult::rssBytesPerFlow),
        new Column("dpi_heap_peak_bytes_measured", CellResult::dpiHeapPeakBytes),
        new Column("dpi_heap_bytes_per_flow_measured", CellResult::dpiHeapBytesPerFlow),
        new Column("exactness_problem", CellResult::exactnessProblem));

    static
    {
        final List<String> names = new ArrayList<>();
        for (final Column column : COLUMNS)
        {
            names.add(column.name());
        }
        HEADER = List.copyOf(names);
    }

    private CellsCsv()
    {
    }

    static void write(final Path file, final List<CellResult> results) throws IOException
    {
        final StringBuilder csv = new StringBuilder(String.join(",", HEADER)).append('\n');
        for (final CellResult result : results)
        {
            for (int i = 0; i < COLUMNS.size(); i++)
            {
                csv.append(i == 0 ? "" : ",").append(format(COLUMNS.get(i).value().apply(result)));
            }
            csv.append('\n');
        }
        Files.writeString(file, csv);
    }

    private static String format(final Object value)
    {
        if (value instanceof Double number)
        {
            return number.isNaN() ? "" : String.format(Locale.ROOT, "%.3f", number);
        }
        final String text = String.valueOf(value);
        // The one free-text column: quoted, so its commas and semicolons stay in one field.
        return text.contains(",") || text.contains("\"") ? '"' + text.replace("\"", "\"\"") + '"' : text;
    }
}
