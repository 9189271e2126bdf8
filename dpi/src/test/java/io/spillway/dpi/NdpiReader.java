package io.spillway.dpi;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs ndpiReader (package libndpi-bin, nDPI 4.2) on a capture and reads its per-flow verdicts. Its
 * {@code -v 2} output lists every flow once: detected ones first, unknown ones under "Undetected flows".
 */
public final class NdpiReader
{
    /**
     * One flow line of {@code ndpiReader -v 2}: "UDP 10.0.0.1:40000 <-> 10.0.0.2:53 [proto: 5/DNS]...".
     * {@code vlan} is 0 when the line has no "[VLAN: n]".
     */
    public record Flow(String l4, String client, String server, String protocolIds, String appName,
        String confidence, String serverName, int vlan)
    {
    }

    private static final Pattern FLOW = Pattern.compile(
        "^\\s+\\d+\\s+(\\S+) (\\S+) <?-> (\\S+) .*?\\[proto: ([0-9.]+)/([^\\]]+)\\]");
    private static final Pattern CONFIDENCE = Pattern.compile("\\[Confidence: ([^\\]]+)\\]");
    private static final Pattern SERVER_NAME = Pattern.compile("\\[Hostname/SNI: ([^\\]]*)\\]");
    private static final Pattern VLAN = Pattern.compile("\\[VLAN: (\\d+)\\]");

    private NdpiReader()
    {
    }

    public static List<Flow> flows(final Path pcap) throws IOException, InterruptedException
    {
        final Process process;
        try
        {
            process = new ProcessBuilder("ndpiReader", "-i", pcap.toString(), "-v", "2").redirectErrorStream(true)
                .start();
        }
        catch (final IOException ex)
        {
            throw new IOException("ndpiReader is needed as the reference: apt-get install libndpi-bin", ex);
        }
        final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(300, TimeUnit.SECONDS) || process.exitValue() != 0)
        {
            throw new IOException("ndpiReader failed on " + pcap + ":\n" + output);
        }

        final List<Flow> flows = new ArrayList<>();
        for (final String line : output.split("\n"))
        {
            final Matcher flow = FLOW.matcher(line);
            if (flow.find())
            {
                final Matcher confidence = CONFIDENCE.matcher(line);
                final Matcher serverName = SERVER_NAME.matcher(line);
                final Matcher vlan = VLAN.matcher(line);
                flows.add(new Flow(flow.group(1), flow.group(2), flow.group(3), flow.group(4), flow.group(5),
                    confidence.find() ? confidence.group(1) : "",
                    serverName.find() ? serverName.group(1) : "",
                    vlan.find() ? Integer.parseInt(vlan.group(1)) : 0));
            }
        }
        return flows;
    }
}
