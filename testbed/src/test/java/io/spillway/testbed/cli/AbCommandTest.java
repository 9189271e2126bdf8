package io.spillway.testbed.cli;

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
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code testbed ab} end to end on a tiny matrix: it runs, and what it writes is there and parses. */
class AbCommandTest
{
    private static final byte[] PNG_SIGNATURE = {(byte)0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

    @TempDir
    Path directory;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @Test
    void aTinyMatrixWritesOneCsvRowPerCellTheChartsAndTheReport() throws IOException
    {
        final Path results = directory.resolve("results");
        final int exit = run("ab", "--flows", "2K,5K", "--rate", "20K", "--warmup", "0.5", "--seconds", "1",
            "--no-dpi", "--out", results.toString());
        assertEquals(0, exit, err.toString());

        final List<String> csv = Files.readAllLines(results.resolve("cells.csv"));
        assertEquals(1 + 2 * 2, csv.size(), "a header and a row per cell: 2 flow counts x offload off/on");
        final int columns = csv.getFirst().split(",", -1).length;
        for (final String row : csv.subList(1, csv.size()))
        {
            assertEquals(columns, row.split(",", -1).length, "every row has every column: " + row);
        }
        final List<String> header = Arrays.asList(csv.getFirst().split(","));
        final String[] first = csv.get(1).split(",", -1);
        assertEquals("2000", first[header.indexOf("active_flows")]);
        assertEquals("off", first[header.indexOf("offload")]);
        assertEquals("yes", first[header.indexOf("exact")]);
        assertEquals(30_000, Long.parseLong(first[header.indexOf("offered_packets")]), "1.5 s at 20,000 packets/s");
        assertTrue(Double.parseDouble(first[header.indexOf("host_cpu_pct")]) > 0);
        assertEquals("on", csv.get(2).split(",", -1)[header.indexOf("offload")]);

        for (final String chart : List.of("host-cpu.png", "loss.png", "packets-to-host.png"))
        {
            final byte[] png = Files.readAllBytes(results.resolve(chart));
            assertTrue(png.length > 1_000, chart + " has " + png.length + " bytes");
            assertArrayEquals(PNG_SIGNATURE, Arrays.copyOf(png, 8), chart + " is a PNG");
        }

        final String report = Files.readString(results.resolve("report.md"));
        assertTrue(report.contains("./spillway testbed ab --flows 2K,5K --rate 20K"), "the exact command line");
        assertTrue(report.contains("| 2K | 200 |"), "a row of the Table I layout for 2K flows:\n" + report);
        assertTrue(report.contains("| 5K | 500 |"));
        assertTrue(report.contains("cores"), "the machine");
        assertTrue(report.contains("![host-cpu.png](host-cpu.png)"));

        final String summary = out.toString();
        assertTrue(summary.contains("2K flows, offload on, DPI off"), summary);
        assertTrue(summary.contains("4 cells in"), summary);
    }

    @ParameterizedTest
    @CsvSource({
        "--rate, 0",
        "--seconds, 0",
        "--queues, 0",
        "--flows, 0",
        "--flows, many",
        "--pacing, sometimes",
        "--payload, bogus",
        "--dpi-until, soon",
        "--warmup, -2",
        "--udp-share, 2",
    })
    void badArgumentExitsWithTwo(final String option, final String value)
    {
        assertEquals(2, run("ab", "--no-dpi", option, value, "--out", directory.toString()), option + " " + value);
        assertTrue(err.toString().contains(option), err.toString());
    }

    @ParameterizedTest
    @CsvSource({"ab", "generate"})
    void helpFormatsEveryOptionWithoutPicocliWarnings(final String subcommand)
    {
        final java.io.ByteArrayOutputStream warnings = new java.io.ByteArrayOutputStream();
        final java.io.PrintStream saved = System.err;
        System.setErr(new java.io.PrintStream(warnings, true, java.nio.charset.StandardCharsets.UTF_8));
        try
        {
            assertEquals(0, run(subcommand, "--help"));
        }
        finally
        {
            System.setErr(saved);
        }
        assertEquals("", warnings.toString(java.nio.charset.StandardCharsets.UTF_8));
        assertTrue(out.toString().contains("--seed"), out.toString());
    }

    private int run(final String... arguments)
    {
        final CommandLine command = TestbedMain.commandLine();
        command.setOut(new PrintWriter(out, true));
        command.setErr(new PrintWriter(err, true));
        return command.execute(arguments);
    }
}
