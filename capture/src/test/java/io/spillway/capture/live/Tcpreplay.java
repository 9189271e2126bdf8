package io.spillway.capture.live;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Replays a capture file onto an interface of a test namespace with tcpreplay, an independent sender: the frames
 * go out as the file has them, at a fixed packet rate. Install it with {@code apt-get install tcpreplay};
 * {@code ./spillway test} installs it.
 */
public final class Tcpreplay
{
    private Tcpreplay()
    {
    }

    /** Fails with what to install when tcpreplay is missing. */
    public static void requireInstalled()
    {
        final String path = System.getenv().getOrDefault("PATH", "") + ":/usr/bin:/usr/sbin:/usr/local/bin";
        for (final String directory : path.split(":"))
        {
            if (!directory.isEmpty() && Files.isExecutable(Path.of(directory, "tcpreplay")))
            {
                return;
            }
        }
        throw new IllegalStateException("tcpreplay is missing: the live capture tests send traffic with it; " +
            "install it with 'apt-get install tcpreplay' (./spillway test installs it)");
    }

    /** Sends every frame of {@code capture} on {@code interfaceName} in {@code ns}, {@code packetsPerSecond}. */
    public static void replay(final NetNs ns, final String interfaceName, final Path capture,
        final int packetsPerSecond)
    {
        replay(ns, interfaceName, capture, packetsPerSecond, 1);
    }

    /** As {@link #replay(NetNs, String, Path, int)}, the whole file {@code loops} times. */
    public static void replay(final NetNs ns, final String interfaceName, final Path capture,
        final int packetsPerSecond, final int loops)
    {
        requireInstalled();
        final List<String> command = new ArrayList<>(List.of("tcpreplay", "-q", "-i", interfaceName,
            "--pps=" + packetsPerSecond, "--loop=" + loops));
        command.add(capture.toAbsolutePath().toString());
        NetNs.run(ns.inside(command));
    }

    /** As fast as tcpreplay can send. */
    public static void replayTopSpeed(final NetNs ns, final String interfaceName, final Path capture,
        final int loops)
    {
        requireInstalled();
        NetNs.run(ns.inside(List.of("tcpreplay", "-q", "-i", interfaceName, "--topspeed", "--loop=" + loops,
            capture.toAbsolutePath().toString())));
    }
}
