package io.spillway.probe.live;

import io.spillway.capture.live.FrameInjector;
import io.spillway.capture.live.NetNs;
import io.spillway.probe.cli.ProbeCommand;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An operator stops a live probe with a signal: the first stops capturing and exports every flow seen, the
 * second one exits at once. The probe runs as a child JVM in a test namespace, as the launcher runs it, with one
 * worker, so that a marker flow's record says every frame before it was counted (see {@link LiveTraffic#reset}).
 */
@Tag("live")
class LiveSignalTest
{
    private static final String CAPTURE = "cap0";
    private static final String PEER = "peer0";
    private static final int FLOWS = 50;
    private static final int PACKETS_PER_FLOW = 3;
    /** About 450 bytes of JSON each: 1.3 MB, twenty times what a pipe and the exporter's buffer hold together. */
    private static final int MANY_FLOWS = 3_000;
    /** A pipe holds 16 pages: once 15 are full, the writer is blocked or about to be. */
    private static final int PIPE_NEARLY_FULL = 15 * 4096;
    private static final Duration MARKER_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(30);
    /** What "at once" means for the second signal: no export, no summary, just the JVM halting. */
    private static final Duration PROMPTLY = Duration.ofSeconds(5);

    @TempDir
    Path directory;

    @AfterEach
    void nothingLeftBehind()
    {
        LiveChecks.assertNothingLeftBehind();
    }

    @ParameterizedTest(name = "SIG{0}")
    @ValueSource(strings = {"INT", "TERM"})
    void aSignalStopsCapturingExportsEveryFlowSeenAndExitsZero(final String signal)
    {
        final Path records = directory.resolve("flows.jsonl");
        try (NetNs ns = NetNs.withVeth(CAPTURE, PEER);
             ProbeProcess probe = ProbeProcess.start(ns, directory, "-i", CAPTURE, "--queues", "1", "--no-dpi",
                 "--idle-timeout", "3600", "--active-timeout", "3600", "--export", "json:" + records)
                 .awaitCapturing();
             FrameInjector injector = FrameInjector.open(ns, PEER))
        {
            LiveTraffic.sendUdp(injector, 0, FLOWS, PACKETS_PER_FLOW);
            injector.send(LiveTraffic.reset(1));
            awaitMarker(records);
            assertEquals(1, JsonFlow.read(records).size(), "only the marker is exported before the signal");

            probe.signal(signal);
            final int exit = probe.awaitExit(EXIT_TIMEOUT);

            final String stderr = probe.stderr();
            assertEquals(ProbeCommand.EXIT_OK, exit, stderr);
            assertTrue(stderr.contains("SIG" + signal + ": stopping; exporting every flow"), stderr);
            assertTrue(stderr.contains("  stopped  by a signal: every flow seen was exported"), stderr);
            assertTrue(stderr.contains(String.format(java.util.Locale.ROOT, "spillway: %,d packets",
                FLOWS * PACKETS_PER_FLOW + 1)), stderr);
            final List<JsonFlow> flows = JsonFlow.read(records).stream().filter(f -> !LiveTraffic.isMarker(f))
                .toList();
            assertEquals(sentFlows(0, FLOWS, PACKETS_PER_FLOW), packetsByClient(flows),
                "packets per flow exported, as sent");
            assertTrue(flows.stream().allMatch(f -> f.endReason() == JsonFlow.FORCED_END),
                "flows exported at the signal end as forced: " + flows);
        }
    }

    /**
     * The first signal's export cannot finish: its JSON goes to a FIFO that this test holds open and never reads,
     * so the export thread blocks once the pipe is full. The second signal must end the process anyway, at once and
     * with 128 + the signal's number, as a shell reports a process killed by it.
     */
    @ParameterizedTest(name = "SIG{0} twice")
    @ValueSource(strings = {"INT", "TERM"})
    void aSecondSignalExitsAtOnceWithoutFinishingTheExport(final String signal) throws IOException
    {
        final int signalNumber = signal.equals("INT") ? 2 : 15;
        final Path fifo = directory.resolve("flows.fifo");
        final Path records = directory.resolve("flows.jsonl");
        assertEquals(0, Child.run("mkfifo", directory, List.of("mkfifo", fifo.toString()), Duration.ofSeconds(10)));
        // Read and write: the probe's open for writing does not wait for a reader, and the pipe never loses its
        // reader, so the probe's writes block instead of failing.
        try (RandomAccessFile heldOpen = new RandomAccessFile(fifo.toFile(), "rw");
             NetNs ns = NetNs.withVeth(CAPTURE, PEER);
             ProbeProcess probe = ProbeProcess.start(ns, directory, "-i", CAPTURE, "--queues", "1", "--no-dpi",
                 "--idle-timeout", "3600", "--active-timeout", "3600", "--export", "json:" + fifo, "--export",
                 "json:" + records).awaitCapturing();
             FrameInjector injector = FrameInjector.open(ns, PEER))
        {
            LiveTraffic.sendUdp(injector, 0, MANY_FLOWS, 1);
            injector.send(LiveTraffic.reset(1));
            awaitMarker(records);

            probe.signal(signal);
            probe.awaitStderr("SIG" + signal + ": stopping; exporting every flow", EXIT_TIMEOUT);
            final FileInputStream pipe = new FileInputStream(heldOpen.getFD());
            Await.until("the FIFO to fill (the export blocked)", EXIT_TIMEOUT,
                () -> available(pipe) >= PIPE_NEARLY_FULL, () -> available(pipe) + " bytes in the pipe");
            assertTrue(probe.isAlive(), "the export is blocked: the probe cannot have finished");

            final long second = System.nanoTime();
            probe.signal(signal);
            final int exit = probe.awaitExit(PROMPTLY);
            final long exitedMs = (System.nanoTime() - second) / 1_000_000;

            final String stderr = probe.stderr();
            assertEquals(128 + signalNumber, exit, stderr);
            assertTrue(stderr.contains("SIG" + signal + " again: exiting without exporting the rest"), stderr);
            assertFalse(stderr.contains("records exported"), "no summary after the second signal:\n" + stderr);
            final int exported = JsonFlow.read(records).size();
            assertTrue(exported < MANY_FLOWS, exported + " records reached the file: the export finished");
            assertTrue(exitedMs < PROMPTLY.toMillis(), "exited " + exitedMs + " ms after the second signal");
        }
    }

    private static void awaitMarker(final Path records)
    {
        Await.until("the marker's record (every frame before it counted)", MARKER_TIMEOUT,
            () -> JsonFlow.read(records).stream().anyMatch(LiveTraffic::isMarker),
            () -> JsonFlow.read(records).size() + " records");
    }

    /** Packets per client address of the UDP flows among {@code flows}. */
    static Map<String, Long> packetsByClient(final List<JsonFlow> flows)
    {
        return flows.stream().collect(Collectors.groupingBy(JsonFlow::src, TreeMap::new,
            Collectors.summingLong(JsonFlow::totalPackets)));
    }

    /** What {@link LiveTraffic#sendUdp} sent: {@code packets} packets for each of the clients. */
    static Map<String, Long> sentFlows(final int first, final int flows, final long packets)
    {
        return IntStream.range(first, first + flows).boxed().collect(Collectors.toMap(LiveTraffic::clientAddress,
            client -> packets, Long::sum, TreeMap::new));
    }

    private static int available(final FileInputStream pipe)
    {
        try
        {
            return pipe.available();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}
