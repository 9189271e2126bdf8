package io.spillway.probe.cli;

import io.spillway.capture.reference.TestCaptures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
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
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final PrintStream saved = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try
        {
            return ProbeCommand.commandLine().execute(args);
        }
        finally
        {
            System.setErr(saved);
            stderr = err.toString(StandardCharsets.UTF_8);
        }
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
    void helpFormatsEveryOptionWithoutPicocliWarnings()
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final PrintStream saved = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        final int exit;
        try
        {
            exit = run("--help");
        }
        finally
        {
            System.setOut(saved);
        }
        assertEquals(ProbeCommand.EXIT_OK, exit, stderr);
        assertFalse(stderr.contains("WARN"), stderr);
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("less above 90% fill"), out::toString);
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
            .mapToLong(l -> field(l, "packetDeltaCount") + field(l, "reversePacketDeltaCount")).sum();
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

    @Test
    void replaysACaptureThroughTheEmulatedSmartNicWithOffload() throws IOException
    {
        final Path out = dir.resolve("flows.jsonl");
        final int exit = run("-r", TestCaptures.file("netflix.pcap").toString(), "--queues", "2", "--no-dpi",
            "--nic", "emulated", "--offload", "emulated", "--offload-after-packets", "2", "--nic-flows", "64K",
            "--nic-buffer-delay", "1.5", "--nic-learn-rate", "500000", "--nic-programming-cost", "2",
            "--export", "json:" + out);

        assertEquals(ProbeCommand.EXIT_OK, exit, stderr);
        final List<String> lines = Files.readAllLines(out);
        final long packets = lines.stream()
            .mapToLong(l -> field(l, "packetDeltaCount") + field(l, "reversePacketDeltaCount")).sum();
        final long hardware = lines.stream().mapToLong(l -> field(l, "hardwarePacketDeltaCount")).sum();
        assertEquals(1793, packets, "netflix.pcap has 1,793 packets, host and hardware together");
        assertTrue(stderr.contains(String.format(java.util.Locale.ROOT, "%,d counted in hardware", hardware)), stderr);
        assertTrue(stderr.contains("  offload  requests "), stderr);
        assertTrue(stderr.contains("  counted  host "), stderr);
    }

    @Test
    void replaysACaptureAtAMultipleOfItsOwnPaceThroughTheEmulatedSmartNic() throws IOException
    {
        // netflix.pcap spans 90 s: 0.45 s at 200 times its pace.
        final Path out = dir.resolve("flows.jsonl");
        final long start = System.nanoTime();
        final int exit = run("-r", TestCaptures.file("netflix.pcap").toString(), "--queues", "2", "--no-dpi",
            "--nic", "emulated", "--offload", "emulated", "--replay-speed", "200", "--export", "json:" + out);
        final long elapsedMs = (System.nanoTime() - start) / 1_000_000;

        assertEquals(ProbeCommand.EXIT_OK, exit, stderr);
        assertTrue(elapsedMs >= 440, elapsedMs + " ms");
        final List<String> lines = Files.readAllLines(out);
        assertEquals(1793, lines.stream()
            .mapToLong(l -> field(l, "packetDeltaCount") + field(l, "reversePacketDeltaCount")).sum());
        assertTrue(lines.stream().mapToLong(l -> field(l, "hardwarePacketDeltaCount")).sum() > 0, stderr);
    }

    @Test
    void offloadWithoutTheEmulatedNicAndUnknownModelsAreUsageErrors()
    {
        final String capture = TestCaptures.file("netflix.pcap").toString();
        assertEquals(ProbeCommand.EXIT_USAGE, run("-r", capture, "--offload", "emulated"));
        assertTrue(stderr.contains("--offload emulated needs --nic emulated"), stderr);
        assertEquals(ProbeCommand.EXIT_USAGE, run("-r", capture, "--nic", "ntapi"));
        assertTrue(stderr.contains("unknown --nic 'ntapi'"), stderr);
        assertEquals(ProbeCommand.EXIT_USAGE, run("-r", capture, "--nic", "emulated", "--offload", "emulated",
            "--offload-after-packets", "0"));
        assertTrue(stderr.contains("--offload-after-packets"), stderr);
        assertEquals(ProbeCommand.EXIT_USAGE, run("-r", capture, "--nic", "emulated", "--nic-buffer-delay", "-1"));
        assertTrue(stderr.contains("--nic-buffer-delay"), stderr);
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

    private static long field(final String line, final String name)
    {
        final int at = line.indexOf("\"" + name + "\":");
        if (at < 0)
        {
            return 0;
        }
        int end = at + name.length() + 3;
        while (end < line.length() && Character.isDigit(line.charAt(end)))
        {
            end++;
        }
        return Long.parseLong(line.substring(at + name.length() + 3, end));
    }
}
