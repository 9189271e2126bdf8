package io.spillway.offload.emulated.pipeline;

import io.spillway.probe.pipeline.ProbeConfig;
import io.spillway.probe.pipeline.ProbeResult;
import io.spillway.probe.pipeline.SyntheticTraffic;
import io.spillway.offload.emulated.EmulatedNicConfig;
import io.spillway.probe.flow.RecordedFlow;
import io.spillway.probe.offload.OffloadStats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The paper's race (III): a high-rate flow behind a long NIC buffer keeps reaching the host for the whole buffer
 * delay after it was handed to the device. Those packets must be counted once by the host and must not trigger a
 * second offload request.
 */
class ExactlyOnceOffloadTest
{
    private static final int PACKETS = 20_000;
    private static final long GAP_NS = TimeUnit.MICROSECONDS.toNanos(10);
    private static final long BUFFER_DELAY_NS = TimeUnit.MILLISECONDS.toNanos(50);

    @TempDir
    Path dir;

    @Test
    void aHighRateFlowBehindALongBufferIsRequestedOnceAndCountedOnce()
    {
        final Path capture = SyntheticTraffic.highRateFlow(dir.resolve("fast.pcap"), PACKETS, GAP_NS);
        // A small host ring keeps the capture thread (the NIC) within a few milliseconds of the worker, as on the
        // wire; the 50 ms buffer is then what the worker is behind.
        final EmulatedNicConfig nic = new EmulatedNicConfig().bufferDelayNs(BUFFER_DELAY_NS).hostRingBytes(64 * 1024);
        final NicRuns.NicRun run = NicRuns.offload(ProbeConfig.defaults(1), nic, capture);

        final ProbeResult result = run.result();
        final OffloadStats offload = result.offload();
        assertEquals(1, offload.requests(), "one request for the flow");
        assertEquals(1, result.offloadAgent().learnCalls(), "one rule programmed");
        assertEquals(1, offload.learned());
        assertEquals(result.hostPackets() - 1, offload.duplicatesPrevented(),
            "every host packet after the first belonged to a pending or offloaded flow");
        assertTrue(result.hostPackets() >= BUFFER_DELAY_NS / GAP_NS,
            result.hostPackets() + " host packets: at least the buffer's worth");
        assertTrue(run.nic().hwPackets() > PACKETS / 2, run.nic().hwPackets() + " hardware packets");

        final List<RecordedFlow> records = run.records();
        assertEquals(PACKETS, run.recordPackets(), "every packet counted once");
        assertEquals(1, records.size(), records.toString());
        final RecordedFlow flow = records.get(0);
        assertEquals(PACKETS - PACKETS / 10, flow.fwdPackets());
        assertEquals(PACKETS / 10, flow.revPackets());
        assertEquals(run.nic().hwPackets(), flow.hwPackets());
        assertEquals((long)PACKETS * (14 + 20 + 8 + 128), flow.l2Octets());
        assertEquals((long)PACKETS * (20 + 8 + 128), flow.fwdOctets() + flow.revOctets(),
            "the hardware share's IP octets, estimated from the host's, are exact for same-size frames");
        assertEquals(SyntheticTraffic.START_NS / 1_000_000 + (PACKETS - 1) * GAP_NS / 1_000_000, flow.end());
        OffloadRuns.assertOffloadInvariants(run, "high-rate flow");
    }
}
