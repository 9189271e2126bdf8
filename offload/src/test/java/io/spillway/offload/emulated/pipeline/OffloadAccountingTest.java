package io.spillway.offload.emulated.pipeline;

import io.spillway.probe.pipeline.ProbeConfig;
import io.spillway.probe.pipeline.ProbeRuns;
import io.spillway.probe.pipeline.OffloadPolicy;
import io.spillway.dpi.Dpi;
import io.spillway.offload.emulated.EmulatedNicConfig;
import io.spillway.capture.reference.TestCaptures;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The accounting identity on every shared capture: with the emulated SmartNIC counting offloaded flows in hardware,
 * each flow's packets and frame bytes (records of a 5-tuple summed) equal those of the run without offload, with DPI
 * (offload once classified) and without (offload after two packets, behind a 10 ms NIC buffer). Counting does not
 * depend on DPI, so one run without offload is the reference for both. Over all captures the device must really
 * have counted something. (Not much of these small captures: the capture thread reads a whole file into the NIC's
 * host rings before the workers classify its first flows, and a learn only catches the packets after it.)
 */
class OffloadAccountingTest
{
    private static final ProbeConfig BASE = ProbeConfig.defaults(2);
    private static long hwPacketsWithDpi;
    private static long hwPacketsWithoutDpi;
    private static long packets;

    @BeforeAll
    static void reset()
    {
        hwPacketsWithDpi = 0;
        hwPacketsWithoutDpi = 0;
        packets = 0;
    }

    @TestFactory
    Stream<DynamicTest> everyFlowCountsTheSameWithAndWithoutOffload() throws Exception
    {
        final Dpi dpi = Dpi.load();
        return TestCaptures.all().stream().map(file -> DynamicTest.dynamicTest(file.getFileName().toString(),
            () -> check(file, dpi)));
    }

    @AfterAll
    static void theDeviceCountedPartOfTheTraffic()
    {
        assertTrue(hwPacketsWithDpi > 0, "DPI on: " + hwPacketsWithDpi + " of " + packets + " packets in hardware");
        assertTrue(hwPacketsWithoutDpi > 0, "DPI off: " + hwPacketsWithoutDpi + " of " + packets + " in hardware");
    }

    private static void check(final Path file, final Dpi dpi)
    {
        final String name = file.getFileName().toString();
        final ProbeRuns.Run reference = ProbeRuns.run(BASE, file);
        final EmulatedNicConfig nic = new EmulatedNicConfig().flowTableCapacity(65_536);
        final NicRuns.NicRun withDpi = NicRuns.offload(BASE.withDpi(dpi, 0), nic, file);
        final NicRuns.NicRun withoutDpi = NicRuns.run(BASE.withOffload(OffloadPolicy.DEFAULT.withAfterPackets(2)),
            new EmulatedNicConfig().flowTableCapacity(65_536).bufferDelayNs(TimeUnit.MILLISECONDS.toNanos(10)), file);

        assertEquals(OffloadRuns.perFlow(reference.records()), OffloadRuns.perFlow(withDpi.records()),
            name + ", DPI on");
        assertEquals(OffloadRuns.perFlow(reference.records()), OffloadRuns.perFlow(withoutDpi.records()),
            name + ", DPI off");
        OffloadRuns.assertOffloadInvariants(withDpi, name + ", DPI on");
        OffloadRuns.assertOffloadInvariants(withoutDpi, name + ", DPI off");
        assertEquals(reference.result().capture().wireBytes(), withDpi.result().capture().wireBytes());

        packets += reference.result().capture().accounted();
        hwPacketsWithDpi += withDpi.nic().hwPackets();
        hwPacketsWithoutDpi += withoutDpi.nic().hwPackets();
    }
}
