package io.spillway.testbed.ab;

import io.spillway.offload.emulated.EmulatedNicConfig;
import io.spillway.probe.dpi.DpiUntil;
import io.spillway.testbed.generator.PayloadKind;
import io.spillway.testbed.source.ReplaySource;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which cells a matrix runs, what traffic they get, and which flow counts are skipped for memory, with why. */
class MatrixPlanTest
{
    private static final AbSettings SETTINGS = new AbSettings(500_000, false, ReplaySource.Pacing.BURST, -1, 10, 1,
        1, 60, 0.5, 10, 0, EmulatedNicConfig.DEFAULT_LEARN_RATE, EmulatedNicConfig.DEFAULT_PROGRAMMING_COST_NS,
            PayloadKind.RANDOM, DpiUntil.FINAL);

    @Test
    void everyFlowCountGetsFourCellsAndTheTrafficOfThePaperRule()
    {
        final MatrixPlan plan = MatrixPlan.of(SETTINGS, List.of(10_000, 100_000), 800, 20L << 30);
        assertEquals(8, plan.cellsToRun());
        final FlowCountPlan first = plan.flowCounts().getFirst();
        assertNull(first.skipReason());
        assertEquals(1_000, first.spec().newFlowsPerSecond(), 1e-9, "active flows / 10 s");
        assertEquals(10_000_000, first.spec().packets(), "10 s of warm-up (one flow lifetime) and 10 s measured");
        assertEquals(500_000, first.spec().packetsPerSecond());
        assertEquals(60, first.spec().frameSize());
        assertEquals(List.of(false, false, true, true), first.cells().stream().map(AbCell::offload).toList());
        assertEquals(List.of(false, true, false, true), first.cells().stream().map(AbCell::dpi).toList());
    }

    @Test
    void withoutDpiOnlyTheDpiOffCellsRun()
    {
        final MatrixPlan plan = MatrixPlan.of(SETTINGS, List.of(10_000), 0, 20L << 30);
        assertEquals(2, plan.cellsToRun());
        assertTrue(plan.flowCounts().getFirst().cells().stream().noneMatch(AbCell::dpi));
    }

    @Test
    void aFlowCountThatNeedsMoreMemoryThanThereIsIsSkippedWithItsReason()
    {
        final MatrixPlan plan = MatrixPlan.of(SETTINGS, List.of(10_000, 10_000_000), 800, 4L << 30);
        assertFalse(plan.flowCounts().get(0).skipped());
        final FlowCountPlan big = plan.flowCounts().get(1);
        assertTrue(big.skipped());
        assertTrue(big.skipReason().contains("GB available"), big.skipReason());
        assertTrue(big.estimatedBytes() > (4L << 30) * MatrixPlan.MEMORY_SHARE);
        assertEquals(4, plan.cellsToRun());
    }

    @Test
    void theAutomaticWarmUpIsOneFlowLifetimeAndAtMostTenSeconds()
    {
        assertEquals(10, SETTINGS.warmupSeconds(10_000), 1e-9);
        final AbSettings fixedNewFlows = new AbSettings(500_000, false, ReplaySource.Pacing.BURST, -1, 10, 1, 1, 60,
            0.5, 10, 10_000, EmulatedNicConfig.DEFAULT_LEARN_RATE, EmulatedNicConfig.DEFAULT_PROGRAMMING_COST_NS,
            PayloadKind.RANDOM, DpiUntil.FINAL);
        assertEquals(1, fixedNewFlows.warmupSeconds(10_000), 1e-9, "10K flows at 10K new/s live 1 s");
        assertEquals(10, fixedNewFlows.warmupSeconds(1_000_000), 1e-9, "100 s lifetimes: capped");
        assertEquals(ReplaySource.Pacing.BURST, AbSettings.automaticPacing(1, 2));
        assertEquals(ReplaySource.Pacing.BUSY, AbSettings.automaticPacing(1, 8));
    }
}
