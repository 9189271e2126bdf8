package io.spillway.testbed.cli;

import io.spillway.packet.LinkType;
import io.spillway.capture.file.PcapWriter;
import io.spillway.testbed.generator.FrameMix;
import io.spillway.testbed.generator.FrameSink;
import io.spillway.testbed.generator.GeneratorSpec;
import io.spillway.testbed.generator.PayloadKind;
import io.spillway.testbed.generator.Popularity;
import io.spillway.testbed.generator.TrafficGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GenerateCommandTest
{
    @TempDir
    Path directory;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @ParameterizedTest
    @CsvSource({
        "--packets, 0",
        "--active-flows, 0",
        "--new-flows-per-sec, 0",
        "--new-flows-per-sec, -1",
        "--packet-size, 59",
        "--packet-size, 9001",
        "--rate, 0",
        "--rate, 1000000001",
        "--ipv6-share, 1.5",
        "--udp-share, -0.1",
        "--packets, many",
        "--popularity, zipf:0",
        "--popularity, zipf:many",
        "--popularity, pareto",
        "--payload, fancy",
    })
    void badArgumentExitsWithTwoAndNamesIt(final String option, final String value)
    {
        final List<String> arguments = validArguments(directory.resolve("bad.pcap"));
        final int index = arguments.indexOf(option);
        if (index >= 0)
        {
            arguments.set(index + 1, value);
        }
        else
        {
            arguments.addAll(List.of(option, value));
        }

        assertEquals(2, execute(arguments));
        assertTrue(err.toString().contains(option), err.toString());
        assertFalse(Files.exists(directory.resolve("bad.pcap")));
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
        "--packet-size; --frame-mix; 64:7,594:4,1518:1; --frame-mix",
        "--packet-size; --frame-mix; 64:7,594; SIZE:WEIGHT",
        "--packet-size; --frame-mix; 59:1,64:1; [60, 9000]",
        "--packet-size; --frame-mix; 64:1,64:2; twice",
        "--new-flows-per-sec; --flow-duration; 0; --flow-duration must be above 0",
        "--new-flows-per-sec; --flow-duration; -2; --flow-duration must be above 0",
    })
    void badAlternativeExitsWithTwoAndSaysWhy(final String replaced, final String option, final String value,
        final String message)
    {
        final List<String> arguments = validArguments(directory.resolve("bad.pcap"));
        final int index = arguments.indexOf(replaced);
        arguments.set(index, option);
        arguments.set(index + 1, value);
        if (message.equals("--frame-mix"))
        {
            // Both a fixed size and a mix: they exclude each other.
            arguments.addAll(List.of("--packet-size", "64"));
        }

        assertEquals(2, execute(arguments));
        assertTrue(err.toString().contains(option) && err.toString().contains(message), err.toString());
        assertFalse(Files.exists(directory.resolve("bad.pcap")));
    }

    @Test
    void exclusiveOptionsExitWithTwoAndNameBoth()
    {
        final List<String> both = validArguments(directory.resolve("x.pcap"));
        both.addAll(List.of("--imix", "--flow-duration", "2"));

        assertEquals(2, execute(both));
        assertTrue(err.toString().contains("--packet-size") && err.toString().contains("--imix"), err.toString());
        assertTrue(err.toString().contains("mutually exclusive"), err.toString());
    }

    @Test
    void flowDurationGivesTheSameBytesAsTheRateItImplies() throws IOException
    {
        final Path byRate = directory.resolve("rate.pcap");
        assertEquals(0, execute(validArguments(byRate)));
        final Path byDuration = directory.resolve("duration.pcap");
        final List<String> arguments = validArguments(byDuration);
        final int index = arguments.indexOf("--new-flows-per-sec");
        arguments.set(index, "--flow-duration");
        arguments.set(index + 1, "0.1");

        assertEquals(0, execute(arguments));
        assertEquals(-1L, Files.mismatch(byRate, byDuration));
        assertTrue(out.toString().contains("flow lifetime            0.1 s (A / R)"), out.toString());
    }

    @Test
    void optionsReachTheLibraryAndTheReportShowsMeasuredNextToRequested() throws IOException
    {
        final Path file = directory.resolve("options.pcap");
        final List<String> arguments = validArguments(file);
        final int index = arguments.indexOf("--packet-size");
        arguments.remove(index + 1);
        arguments.set(index, "--imix");
        arguments.addAll(List.of("--popularity", "zipf:1.0", "--payload", "realistic", "--ipv6-share", "0.25"));
        assertEquals(0, execute(arguments));

        final Path reference = directory.resolve("library.pcap");
        try (PcapWriter writer = new PcapWriter(reference, LinkType.ETHERNET, GeneratorSpec.MAX_FRAME_SIZE))
        {
            new TrafficGenerator(new GeneratorSpec(3_000, 50, 500, 64, 10_000, 9, 0.25, 0.5)
                .withFrameMix(FrameMix.simpleImix()).withPopularity(new Popularity.Zipf(1.0))
                .withPayload(PayloadKind.REALISTIC)).generate(FrameSink.writingTo(writer));
        }
        assertEquals(-1L, Files.mismatch(reference, file));

        final String report = out.toString();
        assertTrue(report.contains("packets per second       10000.0 (requested 10000)"), report);
        assertTrue(report.matches(
            "(?s).*flows by transport       0\\.\\d{3} TCP, 0\\.\\d{3} UDP \\(requested 0\\.5 UDP\\).*"), report);
        assertTrue(report.matches("(?s).*IPv6 share of flows      0\\.\\d{3} \\(requested 0\\.25\\).*"), report);
        assertTrue(report.matches("(?s).*frame sizes              64: \\d+\\.\\d%, 594: \\d+\\.\\d%, 1518: \\d+\\.\\d% "
            + "\\(requested 58\\.3%, 33\\.3%, 8\\.3%\\).*"), report);
        assertTrue(report.matches("(?s).*popularity               \\d+\\.\\d% of packets to the top 1 of 50 slots "
            + "\\(zipf:1\\.0 expects 22\\.2%\\).*"), report);
        assertTrue(report.matches(
            "(?s).*openings                 HTTP \\d+, TLS \\d+, DNS \\d+, QUIC \\d+ \\(flows\\).*"), report);
        assertTrue(report.contains("note: realistic openings longer than the drawn frame size enlarge their frame"),
            report);
        assertTrue(report.contains("enlarged frames"), report);
    }

    @Test
    void missingRequiredOptionExitsWithTwoAndNamesIt()
    {
        final List<String> arguments = validArguments(directory.resolve("missing.pcap"));
        final int index = arguments.indexOf("--rate");
        arguments.remove(index + 1);
        arguments.remove(index);

        assertEquals(2, execute(arguments));
        assertTrue(err.toString().contains("--rate"), err.toString());
    }

    @Test
    void missingSubcommandExitsWithTwo()
    {
        assertEquals(2, TestbedMain.commandLine().setErr(new PrintWriter(err)).execute());
        assertTrue(err.toString().contains("Missing subcommand"), err.toString());
    }

    @Test
    void writesTheSameBytesAsTheLibraryAndReportsWhatItWrote() throws IOException
    {
        final Path file = directory.resolve("cli.pcap");
        assertEquals(0, execute(validArguments(file)));

        final Path reference = directory.resolve("library.pcap");
        try (PcapWriter writer = new PcapWriter(reference, LinkType.ETHERNET, GeneratorSpec.MAX_FRAME_SIZE))
        {
            new TrafficGenerator(new GeneratorSpec(3_000, 50, 500, 64, 10_000, 9, 0, 0.5))
                .generate(FrameSink.writingTo(writer));
        }
        assertEquals(-1L, Files.mismatch(reference, file));

        final String report = out.toString();
        assertTrue(report.contains("packets written          3000 (requested 3000)"), report);
        assertTrue(report.contains("file size                " + Files.size(file) + " bytes"), report);
        assertTrue(report.contains("capture duration         0.299900000 s"), report);
        assertTrue(report.contains("(requested 500)"), report);
        assertFalse(report.contains("note:"), report);
    }

    @Test
    void notesOnceWhenSomeFlowsNeedLongerFrames()
    {
        final List<String> arguments = validArguments(directory.resolve("ipv6.pcap"));
        arguments.addAll(List.of("--ipv6-share", "0.5"));

        assertEquals(0, execute(arguments));
        final String report = out.toString();
        assertEquals(report.indexOf("note:"), report.lastIndexOf("note:"));
        assertTrue(report.contains("note: --packet-size 64 is below the headers of some flows; their frames have " +
            "the minimum size instead (IPv6+TCP 74 bytes)"), report);
        assertTrue(report.contains("enlarged frames"), report);
    }

    @Test
    void unwritableOutputExitsWithOneAndSaysWhy()
    {
        assertEquals(1, execute(validArguments(directory.resolve("no-such-directory").resolve("x.pcap"))));
        assertTrue(err.toString().contains("cannot create"), err.toString());
    }

    private int execute(final List<String> arguments)
    {
        final CommandLine commandLine = TestbedMain.commandLine()
            .setOut(new PrintWriter(out, true))
            .setErr(new PrintWriter(err, true));

        return commandLine.execute(arguments.toArray(String[]::new));
    }

    private static List<String> validArguments(final Path file)
    {
        return new ArrayList<>(List.of(
            "generate",
            "--out", file.toString(),
            "--packets", "3000",
            "--active-flows", "50",
            "--new-flows-per-sec", "500",
            "--packet-size", "64",
            "--rate", "10000",
            "--seed", "9"));
    }
}
