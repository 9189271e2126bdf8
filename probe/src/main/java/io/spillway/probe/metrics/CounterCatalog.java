package io.spillway.probe.metrics;

import io.spillway.device.DeviceCounters;
import io.spillway.device.ReceiveCounters;
import io.spillway.exporter.FlowEndReason;
import io.spillway.offload.ExpiryCause;
import io.spillway.offload.LearnResult;
import io.spillway.packet.MalformedKind;
import io.spillway.packet.ParseStatus;
import org.agrona.collections.Int2ObjectHashMap;

import java.util.Locale;

import static io.spillway.probe.metrics.MetricFamily.counter;
import static io.spillway.probe.metrics.MetricFamily.gauge;

/**
 * Which metric family each type id of the run's {@link io.spillway.device.Counters} belongs to, and the label value
 * that tells it apart from the other type ids of its family. The ids are those the registering classes declare
 * (named beside each entry); ids of the probe's own packages are package-private there, so they are repeated here,
 * and the tests (MetricsEndpointTest, and OffloadMetricsTest in testbed with the emulated NIC) check that every
 * counter a run registers has its entry. A device backend's own ids (1000 and up) are listed for the backends
 * Spillway ships; probe may not import a backend, so they are literals too.
 */
final class CounterCatalog
{
    /**
     * A type id's family, and its value of the family's {@link MetricFamily#labelName()} (null when it has none). A
     * null family is a counter registered only because its neighbours are indexed by value, which never counts.
     */
    record Mapping(MetricFamily family, String labelValue)
    {
    }

    private static final Mapping NEVER_COUNTS = new Mapping(null, null);

    private final Int2ObjectHashMap<Mapping> byType = new Int2ObjectHashMap<>();

    Mapping mapping(final int typeId)
    {
        return byType.get(typeId);
    }

    static CounterCatalog standard()
    {
        final CounterCatalog catalog = new CounterCatalog();
        catalog.receive();
        catalog.device();
        catalog.workers();
        catalog.dpi();
        catalog.offload();
        catalog.flowCache();
        catalog.offloadAgentAndExport();
        catalog.backends();
        return catalog;
    }

    /** ReceiveCounters: what the receive parsers read (owner: the queue, none for a single stream's dispatcher). */
    private void receive()
    {
        add(ReceiveCounters.TYPE_PACKETS, counter("spillway_packets", "Packets read"));
        add(ReceiveCounters.TYPE_WIRE_BYTES, counter("spillway_bytes", "Frame bytes of the packets read").bytes());
        add(ReceiveCounters.TYPE_FIRST_TIMESTAMP, gauge("spillway_first_packet_timestamp_seconds",
            "Capture time of the earliest packet read, seconds since the epoch").nanosAsSeconds()
            .merged(MetricFamily.Merge.MIN));
        add(ReceiveCounters.TYPE_LAST_TIMESTAMP, gauge("spillway_last_packet_timestamp_seconds",
            "Capture time of the latest packet read, seconds since the epoch").nanosAsSeconds()
            .merged(MetricFamily.Merge.MAX));
        final MetricFamily byStatus = counter("spillway_parsed_packets",
            "Packets read, by what the parser made of them").labelledBy("status");
        add(ReceiveCounters.TYPE_STATUS + ParseStatus.FLOW, byStatus, "flow");
        add(ReceiveCounters.TYPE_STATUS + ParseStatus.L3_FLOW, byStatus, "l3_flow");
        add(ReceiveCounters.TYPE_STATUS + ParseStatus.NOT_IP, byStatus, "not_ip");
        add(ReceiveCounters.TYPE_STATUS + ParseStatus.MALFORMED, byStatus, "malformed");
        add(ReceiveCounters.TYPE_STATUS + ParseStatus.UNSUPPORTED_LINK, byStatus, "unsupported_link");
        add(ReceiveCounters.TYPE_STATUS + ParseStatus.SNAPLEN_CUT, byStatus, "snaplen_cut");
        final MetricFamily malformed = counter("spillway_malformed_packets",
            "Malformed packets, by what was wrong").labelledBy("kind");
        for (final MalformedKind kind : MalformedKind.values())
        {
            if (kind == MalformedKind.NONE)
            {
                neverCounts(ReceiveCounters.TYPE_MALFORMED + kind.ordinal());
            }
            else
            {
                add(ReceiveCounters.TYPE_MALFORMED + kind.ordinal(), malformed, lower(kind.name()));
            }
        }
    }

    /** DeviceCounters: the figures every device reports, whatever the backend (owner: the queue, or none). */
    private void device()
    {
        add(DeviceCounters.TYPE_TO_HOST, counter("spillway_device_to_host_packets",
            "Packets the device delivered to the workers' queues"));
        add(DeviceCounters.TYPE_DROPS, counter("spillway_device_dropped_packets",
            "Packets lost at the device before a worker saw them (a full ring, the kernel's drops)"));
        add(DeviceCounters.TYPE_DROP_BYTES, counter("spillway_device_dropped_bytes",
            "Frame bytes of the packets lost at the device, where it knows them").bytes());
        add(DeviceCounters.TYPE_HW_PACKETS, counter("spillway_hardware_packets",
            "Packets the device's flow table handled without the host (counted, dropped or forwarded)"));
        add(DeviceCounters.TYPE_HW_BYTES, counter("spillway_hardware_bytes",
            "Frame bytes of the packets the device's flow table handled").bytes());
        add(DeviceCounters.TYPE_QUEUE_FULL_WAITS, counter("spillway_device_queue_full_waits",
            "Times the device's receive side waited for room in a full queue"));
        add(DeviceCounters.TYPE_THREAD_CPU_NANOS, counter("spillway_device_cpu_seconds",
            "CPU time of the device's own threads, known once they ended").nanosAsSeconds());
    }

    /** WorkerCounters (io.spillway.probe.pipeline). */
    private void workers()
    {
        add(100, counter("spillway_worker_packets", "Packets the worker counted into flows (the host's share)"));
        add(101, counter("spillway_worker_bytes", "Frame bytes the worker counted into flows").bytes());
        add(102, counter("spillway_worker_records", "Records the worker sent to the export"));
        add(103, counter("spillway_worker_record_ring_full_waits",
            "Times the worker waited for room in its record ring"));
        add(104, counter("spillway_worker_cpu_seconds", "CPU time of the worker thread, known once it ended")
            .nanosAsSeconds());
    }

    /** DpiCounters (io.spillway.probe.dpi). */
    private void dpi()
    {
        add(120, counter("spillway_dpi_inspected_flows", "Flows DPI inspected"));
        final MetricFamily outcomes = counter("spillway_dpi_flows", "Flows whose DPI ended, by outcome")
            .labelledBy("outcome");
        add(121, outcomes, "detected");
        add(122, outcomes, "guessed");
        add(123, outcomes, "unknown");
        add(124, counter("spillway_dpi_inspected_packets", "Packets DPI inspected"));
        add(125, counter("spillway_dpi_not_inspected_flows", "Flows not inspected: no DPI state was free"));
    }

    /** OffloadCounters (io.spillway.probe.offload): what the workers asked of the flow table and got back. */
    private void offload()
    {
        add(140, counter("spillway_offload_requests", "Flows the workers asked to offload"));
        final MetricFamily kept = counter("spillway_offload_kept_in_software",
            "Flows kept in software instead of offloaded, by cause").labelledBy("cause");
        add(141, kept, "queue_full");
        add(142, kept, "not_eligible");
        add(143, kept, "no_room");
        add(144, counter("spillway_offload_learned", "Flows the device learned"));
        add(145, counter("spillway_offload_duplicates_prevented", "Offload requests not sent twice for one flow"));
        final MetricFamily ignored = counter("spillway_offload_ignored_events",
            "Device events the workers ignored, by cause").labelledBy("cause");
        add(146, ignored, "stale");
        add(147, ignored, "out_of_state");
        add(148, counter("spillway_offload_unlearns", "Unlearns the workers sent"));
        add(149, counter("spillway_offload_renewals", "Offloaded flows taken back at their active timeout"));
        add(150, counter("spillway_offload_merged_hardware_packets",
            "Packets the device counted, merged into exported records"));
        add(151, counter("spillway_offload_merged_hardware_bytes",
            "Frame bytes the device counted, merged into exported records").bytes());
        final MetricFamily failed = counter("spillway_offload_failed_requests",
            "Offload requests the device refused, by cause").labelledBy("cause");
        neverCounts(160 + LearnResult.ACCEPTED);
        for (int cause = LearnResult.ACCEPTED + 1; cause <= LearnResult.DEVICE_ERROR; cause++)
        {
            add(160 + cause, failed, lower(LearnResult.name(cause)));
        }
        final MetricFamily expired = counter("spillway_offload_expired_flows",
            "Offloaded flows the device gave back, by cause").labelledBy("cause");
        neverCounts(170);
        for (int cause = ExpiryCause.IDLE_TIMEOUT; cause <= ExpiryCause.DRAIN; cause++)
        {
            add(170 + cause, expired, lower(ExpiryCause.name(cause)));
        }
    }

    /** CacheCounters (io.spillway.probe.flow). */
    private void flowCache()
    {
        add(180, counter("spillway_flows_created", "Flows created in the flow cache"));
        add(181, counter("spillway_flows_evicted", "Flows exported early because the cache was full"));
        add(182, counter("spillway_flow_record_splits", "Records split before a 32-bit counter wrapped"));
        add(183, counter("spillway_tcp_restarts", "TCP connections that reused a closed 5-tuple"));
        final MetricFamily flowIds = counter("spillway_flow_id_lookups",
            "Packets tagged with a flowId by the device, by whether it named a live flow").labelledBy("result");
        add(184, flowIds, "hit");
        add(185, flowIds, "miss");
        add(186, gauge("spillway_flows_active", "Flows the flow cache holds now"));
        final MetricFamily records = counter("spillway_flow_records", "Flow records exported, by end reason")
            .labelledBy("reason");
        // 8 ids from 190 are registered, one per flowEndReason value; only these are used.
        for (int reason = FlowEndReason.IDLE_TIMEOUT; reason <= FlowEndReason.LACK_OF_RESOURCES; reason++)
        {
            add(190 + reason, records, FlowEndReason.name(reason));
        }
        for (final int unused : new int[] {0, 6, 7})
        {
            neverCounts(190 + unused);
        }
    }

    /** OffloadAgent and ExportAgent (io.spillway.probe.pipeline): one each per run, no owner. */
    private void offloadAgentAndExport()
    {
        add(200, counter("spillway_offload_agent_learns", "Learns the offload thread asked of the device"));
        add(201, counter("spillway_offload_agent_accepted_learns", "Learns the device accepted"));
        add(202, counter("spillway_offload_agent_unlearns", "Unlearns the offload thread asked of the device"));
        add(203, counter("spillway_offload_agent_live_unlearns", "Unlearns of flows live on the device"));
        add(204, counter("spillway_offload_agent_routed_events", "Device events routed to the workers"));
        add(205, counter("spillway_offload_agent_unrouted_events", "Device events naming no worker"));
        add(206, counter("spillway_offload_agent_result_ring_full_waits",
            "Times the offload thread waited for room in a worker's result ring"));
        add(207, counter("spillway_offload_agent_cpu_seconds", "CPU time of the offload thread, known once it ended")
            .nanosAsSeconds());
        add(210, counter("spillway_export_records", "Records handed to the exporters (each exporter gets every one)"));
        add(211, counter("spillway_export_cpu_seconds", "CPU time of the export thread, known once it ended")
            .nanosAsSeconds());
        add(212, counter("spillway_export_dropped_records",
            "Records an exporter had to drop (a full buffer, a dead collector)").ownedBy("exporter"));
    }

    /** The backends' own ids: AfPacketRxQueue (capture), NicCounters (offload, the emulated SmartNIC). */
    private void backends()
    {
        add(1100, counter("spillway_afpacket_kernel_packets", "Packets the kernel counted on the queue's sockets"));
        add(1101, counter("spillway_afpacket_ring_freezes", "Times the kernel froze a queue's ring"));
        add(1102, counter("spillway_afpacket_link_downs", "Times a queue's link went down"));
        add(1190, counter("spillway_nic_forwarded_packets", "Packets the emulated NIC transmitted for FORWARD flows")
            .ownedBy("port"));
        add(1191, counter("spillway_nic_forwarded_bytes", "Frame bytes the emulated NIC transmitted for FORWARD " +
            "flows").bytes().ownedBy("port"));
        // NicCounter ordinals from 1200; those with a standard meaning carry DeviceCounters' ids instead.
        add(1200, counter("spillway_nic_lookups", "Packets the emulated NIC looked up in its flow table"));
        add(1201, counter("spillway_nic_hits", "Packets that matched a flow table entry in effect"));
        add(1202, counter("spillway_nic_misses", "Packets that matched no flow table entry"));
        add(1210, counter("spillway_nic_tagged_host_packets", "Packets written to a host ring with a flowId"));
        final MetricFamily learns = counter("spillway_nic_learns", "Learns the emulated NIC took, by outcome")
            .labelledBy("outcome");
        add(1213, learns, "accepted");
        add(1214, learns, "done");
        add(1215, learns, "failed_table_full");
        add(1216, learns, "failed_key_exists");
        add(1217, learns, "failed_device_error");
        add(1218, learns, "refused_rate");
        add(1219, learns, "refused_invalid");
        add(1220, learns, "refused_closed");
        add(1221, counter("spillway_nic_unlearns", "Unlearns of live flows the emulated NIC took"));
        final MetricFamily expired = counter("spillway_nic_expired_flows",
            "FLOW_EXPIRED events the emulated NIC sent, by cause").labelledBy("cause");
        add(1222, expired, "idle_timeout");
        add(1223, expired, "tcp_end");
        add(1224, expired, "software_unlearn");
        add(1225, expired, "drain");
        add(1226, gauge("spillway_nic_table_flows", "Entries in the emulated NIC's flow table now"));
        add(1227, gauge("spillway_nic_table_flows_peak", "The most entries the emulated NIC's flow table held"));
        add(1228, counter("spillway_nic_table_relocations", "Cuckoo moves the emulated NIC made to fit new flows"));
        final MetricFamily faults = counter("spillway_nic_injected_faults", "Faults injected into device events")
            .labelledBy("fault");
        add(1229, faults, "delayed");
        add(1230, faults, "reordered");
        add(1231, faults, "duplicated");
    }

    private void neverCounts(final int typeId)
    {
        put(typeId, NEVER_COUNTS);
    }

    private void add(final int typeId, final MetricFamily family)
    {
        add(typeId, family, null);
    }

    private void add(final int typeId, final MetricFamily family, final String labelValue)
    {
        put(typeId, new Mapping(family, labelValue));
    }

    private void put(final int typeId, final Mapping mapping)
    {
        if (byType.put(typeId, mapping) != null)
        {
            throw new IllegalStateException("type id " + typeId + " mapped twice");
        }
    }

    private static String lower(final String name)
    {
        return name.toLowerCase(Locale.ROOT);
    }
}
