package io.spillway.testbed.ab;

import io.spillway.dpi.Dpi;
import io.spillway.offload.emulated.EmulatedNicConfig;
import io.spillway.probe.dpi.DpiUntil;
import io.spillway.testbed.source.GeneratedFrames;
import io.spillway.testbed.generator.PayloadKind;
import io.spillway.testbed.source.ReplaySource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The paper's qualitative findings, on a reduced matrix sized for test time: 10K active flows at 50,000 packets/s
 * (a load this machine carries with room to spare, so nothing is lost), with few new flows (1,000/s: flows live
 * 10 s and get about 50 packets) in the four offload x DPI cells, and with many (10,000/s: flows live 1 s and get
 * about 5 packets) with offload on. Offload must cut the packets that reach the host by at least 90% when flows are
 * long; with short flows each one still costs the host its first packet and a rule, so the gain shrinks; and in every
 * cell the records and the hardware counters account for every packet offered and not lost at the NIC.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OffloadFindingsTest
{
    private static final int FLOWS = 10_000;
    private static final long RATE = 50_000;

    private final List<CellResult> fewNewFlows = new ArrayList<>();
    private CellResult manyNewFlows;
    private CellResult realisticDpiOffload;
    private CellResult realisticDetectedOffload;

    @BeforeAll
    void runTheCells() throws Exception
    {
        final Dpi dpi = Dpi.load();
        final AbSettings few = settings(0, PayloadKind.RANDOM, DpiUntil.FINAL);
        try (GeneratedFrames frames = GeneratedFrames.generate(few.spec(FLOWS)))
        {
            final CellRunner runner = new CellRunner(few, dpi);
            for (final boolean offload : new boolean[]{false, true})
            {
                for (final boolean withDpi : new boolean[]{false, true})
                {
                    fewNewFlows.add(runner.run(new AbCell(FLOWS, few.newFlowsPerSecond(FLOWS), offload, withDpi),
                        frames, null));
                }
            }
        }
        final AbSettings realistic = settings(0, PayloadKind.REALISTIC, DpiUntil.FINAL);
        final AbSettings realisticDetected = settings(0, PayloadKind.REALISTIC, DpiUntil.DETECTED);
        try (GeneratedFrames frames = GeneratedFrames.generate(realistic.spec(FLOWS)))
        {
            final AbCell cell = new AbCell(FLOWS, realistic.newFlowsPerSecond(FLOWS), true, true);
            realisticDpiOffload = new CellRunner(realistic, dpi).run(cell, frames, null);
            realisticDetectedOffload = new CellRunner(realisticDetected, dpi).run(cell, frames, null);
        }
        final AbSettings many = settings(10_000, PayloadKind.RANDOM, DpiUntil.FINAL);
        try (GeneratedFrames frames = GeneratedFrames.generate(many.spec(FLOWS)))
        {
            manyNewFlows = new CellRunner(many, dpi).run(new AbCell(FLOWS, 10_000, true, false), frames, null);
        }
    }

    @Test
    void withLongFlowsOffloadCutsThePacketsReachingTheHostByAtLeastNinetyPercent()
    {
        final CellResult off = cell(false, false);
        final CellResult on = cell(true, false);
        assertEquals(100.0, off.hostPercent(), 1e-9, "without offload every packet reaches the host");
        assertTrue(on.hostPercent() <= 0.1 * off.hostPercent(),
            "offload on: " + on.hostPercent() + "% of the packets reached the host");
        assertTrue(on.learnsDone() > FLOWS, "every flow was learned: " + on.learnsDone());
        assertTrue(on.hostCpuPercent() < off.hostCpuPercent(),
            "offload lowers the host's CPU load: " + on.hostCpuPercent() + "% vs " + off.hostCpuPercent() + "%");
    }

    @Test
    void withManyNewFlowsTheGainShrinksBecauseEveryNewFlowCostsTheHostItsFirstPackets()
    {
        final CellResult longFlows = cell(true, false);
        assertTrue(manyNewFlows.hostPercent() >= 15,
            "flows of about 5 packets: the first of each reaches the host, " + manyNewFlows.hostPercent() + "%");
        assertTrue(manyNewFlows.hostPercent() > 3 * longFlows.hostPercent(),
            "many new flows: " + manyNewFlows.hostPercent() + "% to the host, few: " + longFlows.hostPercent() + "%");
        assertTrue(manyNewFlows.learnsDone() > 5 * longFlows.learnsDone() / 2,
            "a rule per new flow: " + manyNewFlows.learnsDone() + " learns vs " + longFlows.learnsDone());
    }

    @Test
    void withDpiAFlowReachesTheOffloadOnlyOnceClassifiedSoMoreOfItReachesTheHost()
    {
        final CellResult dpiOff = cell(true, false);
        final CellResult dpiOn = cell(true, true);
        assertTrue(dpiOn.hostPercent() > dpiOff.hostPercent(),
            "DPI on: " + dpiOn.hostPercent() + "%, off: " + dpiOff.hostPercent() + "%");
        assertTrue(dpiOn.dpiPacketsInspected() > 0);
    }

    /**
     * Openings nDPI recognises at a flow's first packet hand some flows to the offload early (QUIC), but not all:
     * nDPI keeps dissecting a TLS or DNS flow for the server's answer, which the generator does not send, so those
     * flows reach the offload only at nDPI's packet budget, as random ones do.
     */
    @Test
    void withPayloadsDpiRecognisesSomeFlowsReachTheOffloadEarlier()
    {
        final CellResult random = cell(true, true);
        assertTrue(realisticDpiOffload.hostPercent() < random.hostPercent() - 10,
            "realistic payload: " + realisticDpiOffload.hostPercent() + "% to the host, random: " +
            random.hostPercent() + "%");
        assertTrue(realisticDpiOffload.learnsDone() > random.learnsDone(),
            "more flows handed over: " + realisticDpiOffload.learnsDone() + " learns vs " + random.learnsDone());
        assertTrue(realisticDpiOffload.exact(), realisticDpiOffload.exactnessProblem());
    }

    /**
     * With {@code --dpi-until detected} a flow goes to the offload at the opening that names its application, so
     * recognisable traffic gets the paper's gain with DPI on: every flow costs the host about its first packet, as
     * with DPI off.
     */
    @Test
    void withDpiUntilDetectedRecognisedFlowsReachTheOffloadAtTheirOpening()
    {
        final CellResult dpiOff = cell(true, false);
        assertTrue(realisticDetectedOffload.hostPercent() <= 10,
            "realistic payload, --dpi-until detected: " + realisticDetectedOffload.hostPercent() + "% to the host");
        assertTrue(realisticDetectedOffload.hostPercent() < realisticDpiOffload.hostPercent() / 2,
            "detected: " + realisticDetectedOffload.hostPercent() + "%, final: " + realisticDpiOffload.hostPercent() +
            "%");
        assertTrue(realisticDetectedOffload.hostPercent() < 3 * dpiOff.hostPercent(),
            "detected: " + realisticDetectedOffload.hostPercent() + "%, DPI off: " + dpiOff.hostPercent() + "%");
        assertTrue(realisticDetectedOffload.dpiPacketsInspected() < realisticDpiOffload.dpiPacketsInspected(),
            "fewer packets inspected: " + realisticDetectedOffload.dpiPacketsInspected() + " vs " +
            realisticDpiOffload.dpiPacketsInspected());
        assertTrue(realisticDetectedOffload.exact(), realisticDetectedOffload.exactnessProblem());
    }

    @Test
    void dpiCellsMeasureNdpisHeapAndOthersHaveNone()
    {
        for (final CellResult cell : fewNewFlows)
        {
            if (cell.cell().dpi())
            {
                assertTrue(cell.dpiHeapPeakBytes() > 1_000_000,
                    cell.cell().name() + ": a detection module alone holds megabytes: " + cell.dpiHeapPeakBytes());
            }
            else
            {
                assertEquals(0, cell.dpiHeapPeakBytes(), cell.cell().name());
            }
        }
    }

    @Test
    void everyCellAccountsForEveryPacketOfferedAndNotLostAtTheNic()
    {
        final List<CellResult> all = new ArrayList<>(fewNewFlows);
        all.add(manyNewFlows);
        for (final CellResult cell : all)
        {
            assertTrue(cell.exact(), cell.cell().name() + ": " + cell.exactnessProblem());
            assertEquals(cell.accountedPackets() - cell.nicDrops(), cell.recordPackets(), cell.cell().name());
            assertEquals(cell.offeredPackets(), cell.hostPackets() + cell.hwPackets() + cell.nicDrops(),
                cell.cell().name());
        }
    }

    @Test
    void thePacedReplayOffersTheRequestedRateAndTheHostKeepsUp()
    {
        final List<CellResult> all = new ArrayList<>(fewNewFlows);
        all.add(manyNewFlows);
        for (final CellResult cell : all)
        {
            assertTrue(Math.abs(cell.achievedPps() - RATE) <= 0.05 * RATE,
                cell.cell().name() + ": achieved " + cell.achievedPps() + " packets/s");
            assertEquals(0, cell.nicDrops(), cell.cell().name() + ": the host keeps up at this rate");
            assertNotNull(cell.window(), cell.cell().name() + ": a steady-state window was measured");
            assertTrue(cell.window().packets() > RATE, cell.cell().name() + ": the window covers the measured traffic");
        }
    }

    private CellResult cell(final boolean offload, final boolean dpi)
    {
        return fewNewFlows.stream().filter(r -> r.cell().offload() == offload && r.cell().dpi() == dpi)
            .findFirst().orElseThrow();
    }

    /** 1 s of warm-up (cold start), 2 s measured; new flows from the flow lifetime rule (10 s) or fixed. */
    private static AbSettings settings(final double newFlowsPerSecond, final PayloadKind payload,
        final DpiUntil dpiUntil)
    {
        return new AbSettings(RATE, false, ReplaySource.Pacing.BURST, 1, 2, 1, 7, 60, 0.5, 10, newFlowsPerSecond,
            EmulatedNicConfig.DEFAULT_LEARN_RATE, EmulatedNicConfig.DEFAULT_PROGRAMMING_COST_NS, payload,
            dpiUntil);
    }
}
