package io.spillway.probe.pipeline;

import io.spillway.capture.file.CaptureFiles;
import io.spillway.capture.file.PacedSource;
import io.spillway.capture.file.PacketRecorder;
import io.spillway.device.PacketSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code --replay-speed}: a capture is delivered no faster than its timestamps say, divided by the speed, with every
 * packet and its timestamp unchanged. Only lower bounds on wall time are asserted: a loaded machine may be slower.
 */
class PacedReplayTest
{
    private static final int PACKETS = 101;
    private static final long GAP_NS = TimeUnit.MILLISECONDS.toNanos(2);  // 200 ms of traffic

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(doubles = {1, 4})
    void aCaptureTakesItsOwnDurationDividedByTheSpeed(final double speed)
    {
        final Path capture = SyntheticTraffic.highRateFlow(dir.resolve("paced.pcap"), PACKETS, GAP_NS);
        final PacketRecorder recorder = new PacketRecorder();
        final long start = System.nanoTime();
        try (PacketSource source = new PacedSource(CaptureFiles.open(List.of(capture)), speed))
        {
            while (source.poll(recorder, 256) != PacketSource.END)
            {
                // The capture thread's loop: poll until the end.
            }
        }
        final long elapsedNs = System.nanoTime() - start;

        final long captureNs = (PACKETS - 1) * GAP_NS;
        assertTrue(elapsedNs >= (long)(captureNs / speed) - GAP_NS,
            "speed " + speed + ": " + elapsedNs / 1_000_000 + " ms for " + captureNs / 1_000_000 + " ms of traffic");
        assertEquals(PACKETS, recorder.packets().size(), "every packet");
        for (int i = 0; i < PACKETS; i++)
        {
            assertEquals(SyntheticTraffic.START_NS + i * GAP_NS, recorder.packets().get(i).timestampNanos(),
                "timestamps unchanged");
        }
    }

    @Test
    @Timeout(10)
    void aJumpLongerThanAMinuteIsNotWaitedFor()
    {
        final Path capture = SyntheticTraffic.highRateFlow(dir.resolve("jump.pcap"), 3, PacedSource.LONGEST_GAP_NS + 1);
        final PacketRecorder recorder = new PacketRecorder();
        try (PacketSource source = new PacedSource(CaptureFiles.open(List.of(capture)), 1))
        {
            while (source.poll(recorder, 256) != PacketSource.END)
            {
                // Returns within the test's time only if neither jump is waited for.
            }
        }
        assertEquals(3, recorder.packets().size());
    }

    @ParameterizedTest
    @ValueSource(doubles = {0, -1, Double.NaN, Double.POSITIVE_INFINITY})
    void aSpeedThatIsNotAPositiveNumberIsRefused(final double speed)
    {
        final IllegalArgumentException ex =
            assertThrows(IllegalArgumentException.class, () -> PacedSource.validSpeed(speed));
        assertTrue(ex.getMessage().contains("--replay-speed"), ex.getMessage());
    }
}
