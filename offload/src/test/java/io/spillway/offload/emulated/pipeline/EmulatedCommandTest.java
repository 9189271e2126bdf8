package io.spillway.offload.emulated.pipeline;

import io.spillway.capture.reference.TestCaptures;
import io.spillway.probe.cli.CommandRun;
import io.spillway.probe.cli.ProbeCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command line with the emulated SmartNIC: its options, found through its provider, and its summary. */
class EmulatedCommandTest
{
    @TempDir
    Path dir;

    @Test
    void helpFormatsEveryOptionWithoutPicocliWarnings()
    {
        final CommandRun help = CommandRun.of("--help");
        assertEquals(ProbeCommand.EXIT_OK, help.exit(), help.stderr());
        assertFalse(help.stderr().contains("WARN"), help.stderr());
        assertTrue(help.stdout().contains("less above 90% fill"), help::stdout);
    }

    @Test
    void replaysACaptureThroughTheEmulatedSmartNicWithOffload() throws IOException
    {
        final Path out = dir.resolve("flows.jsonl");
        final CommandRun run = CommandRun.of("-r", TestCaptures.file("netflix.pcap").toString(), "--queues", "2",
            "--no-dpi", "--nic", "emulated", "--offload", "emulated", "--offload-after-packets", "2", "--nic-flows",
            "64K", "--nic-buffer-delay", "1.5", "--nic-learn-rate", "500000", "--nic-programming-cost", "2",
            "--export", "json:" + out);
        final String stderr = run.stderr();

        assertEquals(ProbeCommand.EXIT_OK, run.exit(), stderr);
        final List<String> lines = Files.readAllLines(out);
        final long packets = lines.stream()
            .mapToLong(l -> CommandRun.field(l, "packetDeltaCount") + CommandRun.field(l, "reversePacketDeltaCount"))
            .sum();
        final long hardware = lines.stream().mapToLong(l -> CommandRun.field(l, "hardwarePacketDeltaCount")).sum();
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
        final CommandRun run = CommandRun.of("-r", TestCaptures.file("netflix.pcap").toString(), "--queues", "2",
            "--no-dpi", "--nic", "emulated", "--offload", "emulated", "--replay-speed", "200", "--export",
            "json:" + out);
        final long elapsedMs = (System.nanoTime() - start) / 1_000_000;

        assertEquals(ProbeCommand.EXIT_OK, run.exit(), run.stderr());
        assertTrue(elapsedMs >= 440, elapsedMs + " ms");
        final List<String> lines = Files.readAllLines(out);
        assertEquals(1793, lines.stream()
            .mapToLong(l -> CommandRun.field(l, "packetDeltaCount") + CommandRun.field(l, "reversePacketDeltaCount"))
            .sum());
        assertTrue(lines.stream().mapToLong(l -> CommandRun.field(l, "hardwarePacketDeltaCount")).sum() > 0,
            run.stderr());
    }

    @Test
    void offloadWithoutTheEmulatedNicAndUnknownModelsAreUsageErrors()
    {
        final String capture = TestCaptures.file("netflix.pcap").toString();
        CommandRun run = CommandRun.of("-r", capture, "--offload", "emulated");
        assertEquals(ProbeCommand.EXIT_USAGE, run.exit());
        assertTrue(run.stderr().contains("--offload emulated needs --nic emulated"), run.stderr());
        run = CommandRun.of("-r", capture, "--nic", "ntapi");
        assertEquals(ProbeCommand.EXIT_USAGE, run.exit());
        assertTrue(run.stderr().contains("unknown --nic 'ntapi'"), run.stderr());
        run = CommandRun.of("-r", capture, "--nic", "emulated", "--offload", "emulated", "--offload-after-packets",
            "0");
        assertEquals(ProbeCommand.EXIT_USAGE, run.exit());
        assertTrue(run.stderr().contains("--offload-after-packets"), run.stderr());
        run = CommandRun.of("-r", capture, "--nic", "emulated", "--nic-buffer-delay", "-1");
        assertEquals(ProbeCommand.EXIT_USAGE, run.exit());
        assertTrue(run.stderr().contains("--nic-buffer-delay"), run.stderr());
    }

    @Test
    void anOptionOfAnotherDeviceIsAUsageError()
    {
        final CommandRun run = CommandRun.of("-r", TestCaptures.file("netflix.pcap").toString(), "--nic-flows", "64K");
        assertEquals(ProbeCommand.EXIT_USAGE, run.exit());
        assertTrue(run.stderr().contains("--nic-flows is an option of device 'emulated', not of 'files'"),
            run.stderr());
    }
}
