package io.spillway.probe.live;

import io.spillway.capture.live.NetNs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code spillway probe} as an operator runs it: a JVM of its own inside a test namespace ({@code ip netns exec},
 * which execs, so the process is the JVM and signals reach it), with the launcher's JVM flags and this JVM's class
 * path. Its signal dispositions are reset to the default first ({@code env --default-signal}): a shell or build tool
 * that started the test run in the background leaves SIGINT ignored, ignored signals stay ignored across exec, and
 * the JVM then installs no handler for it, as it should for a job meant to ignore Ctrl-C.
 */
final class ProbeProcess implements AutoCloseable
{
    /** Linux keeps 15 characters of a thread name: the export thread is "spillway-export". */
    private static final String EXPORT_THREAD = "spillway-export";
    static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final Child child;

    private ProbeProcess(final Child child)
    {
        this.child = child;
    }

    /** {@code spillway probe args...} inside {@code ns}; stdout and stderr go to files in {@code directory}. */
    static ProbeProcess start(final NetNs ns, final Path directory, final String... args)
    {
        return start(ns, directory, List.of(), args);
    }

    /** As {@link #start(NetNs, Path, String...)}, the JVM run under {@code wrapper} (e.g. setpriv and its options). */
    static ProbeProcess start(final NetNs ns, final Path directory, final List<String> wrapper, final String... args)
    {
        final List<String> command = new ArrayList<>(List.of("env", "--default-signal=INT,TERM"));
        command.addAll(wrapper);
        command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "--enable-native-access=ALL-UNNAMED", "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
            // The client compiler only: the probe's work here is small, and on two shared cores the server
            // compiler's threads would take CPU from the probe and the traffic.
            "-XX:TieredStopAtLevel=1", "-Dspillway.stderr.tty=false",
            "-cp", System.getProperty("java.class.path"), "io.spillway.probe.cli.ProbeCommand"));
        command.addAll(List.of(args));
        return new ProbeProcess(Child.start("probe", directory, ns.inside(command)));
    }

    /**
     * Waits until the probe captures: ProbeCommand opens the device (every socket bound, in its fanout group) and
     * installs its signal handlers before it starts the pipeline's threads, so once the export thread exists,
     * frames sent are received and a signal stops the run as it should.
     */
    ProbeProcess awaitCapturing()
    {
        Await.until("the probe's export thread (the probe capturing)", START_TIMEOUT, () ->
        {
            if (!child.isAlive())
            {
                throw new AssertionError("the probe ended (exit " + child.awaitExit(Duration.ZERO) +
                    ") before capturing; stderr:\n" + child.stderr());
            }
            return hasThread(EXPORT_THREAD);
        }, child::stderr);
        return this;
    }

    long pid()
    {
        return child.pid();
    }

    boolean isAlive()
    {
        return child.isAlive();
    }

    String stderr()
    {
        return child.stderr();
    }

    String stdout()
    {
        return child.stdout();
    }

    void awaitStderr(final String text, final Duration timeout)
    {
        child.awaitStderr(text, timeout);
    }

    void signal(final String signal)
    {
        child.signal(signal);
    }

    int awaitExit(final Duration timeout)
    {
        return child.awaitExit(timeout);
    }

    @Override
    public void close()
    {
        child.close();
    }

    private boolean hasThread(final String name)
    {
        final Path tasks = Path.of("/proc", Long.toString(child.pid()), "task");
        try (DirectoryStream<Path> threads = Files.newDirectoryStream(tasks))
        {
            for (final Path thread : threads)
            {
                try
                {
                    if (Files.readString(thread.resolve("comm")).strip().equals(name))
                    {
                        return true;
                    }
                }
                catch (final NoSuchFileException ex)
                {
                    // The thread ended meanwhile.
                }
            }
            return false;
        }
        catch (final NoSuchFileException ex)
        {
            return false;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}
