package io.spillway.probe.cli;

import io.spillway.capture.reference.TestCaptures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command line an operator uses: exit codes, messages, records written. */
class ProbeCommandTest
{
    @TempDir
    Path dir;

    private String stderr;

    private int run(final String... args)
    {
        final CommandRun run = CommandRun.of(args);
        stderr = run.stderr();
        return run.exit();
    }

    @Test
    void writesOneJsonLinePerRecordAndASummary() throws IOException
    {
        final Path out = dir.resolve("flows.jsonl");
        final int exit = run("-r", TestCaptures.file("http_ipv6.pcap").toString(), "--queues", "2",
            "--export", "json:" + out);
        assertEquals(ProbeCommand.EXIT_OK, exit, stderr);
        final List<String> lines = Files.readAllLines(out);
        assertFalse(lines.isEmpty());
        assertTrue(lines.stream().allMatch(l -> l.startsWith("{") && l.endsWith("}")));
        assertTrue(stderr.contains(String.format(java.util.Locale.ROOT, "%,d records exported", lines.size())),
            stderr);
        assertTrue(stderr.contains("193 packets"), stderr);
    }

    @Test
    void helpListsTheDevicesAndFormatsEveryOptionWithoutPicocliWarnings()
    {
        final CommandRun help = CommandRun.of("--help");
        assertEquals(ProbeCommand.EXIT_OK, help.exit(), help.stderr());
        assertFalse(help.stderr().contains("WARN"), help.stderr());
        assertTrue(help.stdout().contains("--nic, --device=NAME"), help.stdout());
        assertTrue(help.stdout().contains("-i, --interface=IFACE"), help.stdout());
    }

    @Test
    void anUnknownIpfixFlowModeIsAUsageErrorThatNamesTheModes()
    {
        final CommandRun run = CommandRun.of("-r", TestCaptures.file("http_ipv6.pcap").toString(),
            "--ipfix-flows", "both");
        assertEquals(ProbeCommand.EXIT_USAGE, run.exit(), run.stderr());
        assertTrue(run.stderr().contains("--ipfix-flows': expected one of [BI, UNI]"), run.stderr());
    }

    @Test
    void damagedCaptureExportsEverythingBeforeTheDamageAndExitsWith3() throws IOException
    {
        final Path whole = TestCaptures.file("google_ssl.pcap");
        final byte[] bytes = Files.readAllBytes(whole);
        final Path cut = dir.resolve("cut.pcap");
        Files.write(cut, Arrays.copyOf(bytes, bytes.length - 100));
        final Path out = dir.resolve("flows.jsonl");

        final int exit = run("-r", cut.toString(), "--export", "json:" + out);

        assertEquals(ProbeCommand.EXIT_DAMAGED_INPUT, exit, stderr);
        assertTrue(stderr.contains(cut + ": at byte offset "), stderr);
        assertTrue(stderr.contains("every packet before it was processed and exported"), stderr);
        final long packets = Files.readAllLines(out).stream()
            .mapToLong(l -> CommandRun.field(l, "packetDeltaCount") + CommandRun.field(l, "reversePacketDeltaCount"))
            .sum();
        assertEquals(wholeRecords(Files.readAllBytes(cut)), packets);
    }

    @Test
    void severalFilesAreReadInOrderAndADamagedOneDoesNotStopTheOthers() throws IOException
    {
        final byte[] bytes = Files.readAllBytes(TestCaptures.file("google_ssl.pcap"));
        final Path cut = dir.resolve("cut.pcap");
        Files.write(cut, Arrays.copyOf(bytes, bytes.length - 100));
        final Path out = dir.resolve("flows.jsonl");

        final int exit = run("-r", TestCaptures.file("dns_doh.pcap").toString(), "-r", cut.toString(),
            "-r", TestCaptures.file("443-curl.pcap").toString(), "--export", "json:" + out);

        assertEquals(ProbeCommand.EXIT_DAMAGED_INPUT, exit, stderr);
        final long expected = 142 + wholeRecords(Files.readAllBytes(cut)) + 109;
        assertTrue(stderr.startsWith("spillway: " + expected + " packets"), stderr);
        assertTrue(stderr.contains(cut.toString()), stderr);
    }

    @Test
    void missingFileIsAUsageErrorWithAPlainMessage()
    {
        final int exit = run("-r", dir.resolve("nope.pcap").toString());
        assertEquals(ProbeCommand.EXIT_USAGE, exit);
        assertTrue(stderr.startsWith("spillway: "), stderr);
        assertTrue(stderr.contains("nope.pcap") && stderr.contains("does not exist"), stderr);
        assertFalse(stderr.contains("Exception"), stderr);
    }

    @Test
    void badExportTargetIsAUsageErrorWithAPlainMessage()
    {
        final int exit = run("-r", TestCaptures.file("dns_doh.pcap").toString(), "--export", "xml:out");
        assertEquals(ProbeCommand.EXIT_USAGE, exit);
        assertTrue(stderr.contains("xml:out"), stderr);
        assertFalse(stderr.contains("Exception"), stderr);
    }

    @Test
    void badOptionValuesAreUsageErrors()
    {
        assertEquals(ProbeCommand.EXIT_USAGE, run("-r", "x.pcap", "--queues", "0"));
        assertTrue(stderr.contains("--queues"), stderr);
        assertEquals(ProbeCommand.EXIT_USAGE, run("-r", "x.pcap", "--max-flows", "lots"));
        assertTrue(stderr.contains("lots"), stderr);
        assertEquals(ProbeCommand.EXIT_USAGE, run("--queues", "2"));
        assertTrue(stderr.contains("--read"), stderr);
        assertEquals(ProbeCommand.EXIT_USAGE, run("-r", "x.pcap", "--dpi-until", "soon"));
        assertTrue(stderr.contains("--dpi-until must be 'final' or 'detected', not 'soon'"), stderr);
        assertEquals(ProbeCommand.EXIT_USAGE, run("-r", "x.pcap", "--replay-speed", "0"));
        assertTrue(stderr.contains("--replay-speed must be a positive number"), stderr);
    }

    /** Packets whose record lies whole inside a little-endian pcap's bytes. */
    private static long wholeRecords(final byte[] pcap)
    {
        final java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(pcap).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        long count = 0;
        int offset = 24;
        while (offset + 16 <= pcap.length && offset + 16 + buffer.getInt(offset + 8) <= pcap.length)
        {
            offset += 16 + buffer.getInt(offset + 8);
            count++;
        }
        return count;
    }
}
