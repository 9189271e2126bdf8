package io.spillway.probe.pipeline;

import io.spillway.packet.ParseStatus;
import io.spillway.capture.reference.TestCaptures;
import io.spillway.capture.reference.Tshark;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.nio.file.Path;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every shared capture, fuzzed and malformed ones included, through the whole pipeline with two
 * queues: nothing fails, every packet is read, every packet accounted to a flow is in exactly one
 * record, and no flow is left behind.
 */
class AllCapturesTest
{
    @TestFactory
    Stream<DynamicTest> everyCaptureIsReadAccountedAndFlushed()
    {
        return TestCaptures.all().stream().map(file -> DynamicTest.dynamicTest(file.getFileName().toString(),
            () -> check(file)));
    }

    private static void check(final Path file)
    {
        final ProbeRuns.Run run = ProbeRuns.run(ProbeConfig.defaults(2), file);
        final ProbeResult result = run.result();
        final CaptureStats capture = result.capture();

        assertEquals(Tshark.frames(file).size(), capture.packets(), "packets read");
        assertTrue(result.damages().isEmpty(), "damage: " + result.damages());
        long byStatus = 0;
        for (int status = ParseStatus.FLOW; status <= ParseStatus.SNAPLEN_CUT; status++)
        {
            byStatus += capture.packets(status);
        }
        assertEquals(capture.packets(), byStatus, "every packet has one parse status");
        assertEquals(capture.accounted(), run.recordPackets(), "accounted packets are in records");
        assertEquals(capture.accounted(), result.queues().stream().mapToLong(QueueStats::packets).sum());
        assertEquals(run.records().size(), result.recordsExported());
        assertEquals(0, result.liveFlowsAtEnd());
        assertTrue(run.records().stream().allMatch(r -> r.packets() > 0), "no empty record");
    }
}
