package io.spillway.exporter.ipfix;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * A reference tool (nfcapd, tshark) run by a test: output to files in the test's directory, stopped with SIGTERM
 * (repeated, as nfcapd sometimes misses the first one) and killed if it will not stop.
 */
public final class ExternalProcess implements AutoCloseable
{
    private final Process process;
    private final Path stdout;
    private final Path stderr;
    private final String name;

    private ExternalProcess(final Process process, final Path stdout, final Path stderr, final String name)
    {
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
        this.name = name;
    }

    public static ExternalProcess start(final Path dir, final String name, final List<String> command)
        throws IOException
    {
        requireTool(command.get(0));
        final Path stdout = dir.resolve(name + ".out");
        final Path stderr = dir.resolve(name + ".err");
        final ProcessBuilder builder = new ProcessBuilder(command)
            .redirectOutput(stdout.toFile())
            .redirectError(stderr.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        builder.environment().put("TZ", "UTC");
        return new ExternalProcess(builder.start(), stdout, stderr, name);
    }

    /** Runs {@code command} to completion (at most 60 s) and returns its standard output. */
    public static String run(final Path dir, final String name, final List<String> command) throws Exception
    {
        try (ExternalProcess process = start(dir, name, command))
        {
            if (!process.process.waitFor(60, TimeUnit.SECONDS))
            {
                fail(name + " did not finish in 60 s: " + command);
            }
            if (0 != process.process.exitValue())
            {
                fail(name + " exited with " + process.process.exitValue() + ": " + process.stderrText());
            }
            return Files.readString(process.stdout, StandardCharsets.UTF_8);
        }
    }

    public static void requireTool(final String tool)
    {
        for (final String directory : System.getenv().getOrDefault("PATH", "/usr/bin").split(":"))
        {
            if (Files.isExecutable(Path.of(directory, tool)))
            {
                return;
            }
        }
        fail(tool + " is not installed: the IPFIX interoperability tests need nfdump and tshark " +
            "(apt-get install nfdump tshark; ./spillway test installs them)");
    }

    /** Waits until standard error contains {@code text}, failing after {@code seconds}. */
    public void awaitStderr(final String text, final int seconds) throws Exception
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!stderrText().contains(text))
        {
            if (!process.isAlive())
            {
                fail(name + " exited early: " + stderrText());
            }
            if (System.nanoTime() > deadline)
            {
                fail(name + " did not say '" + text + "' in " + seconds + " s: " + stderrText());
            }
            Thread.sleep(20);
        }
    }

    public String stderrText() throws IOException
    {
        return Files.readString(stderr, StandardCharsets.UTF_8);
    }

    public boolean isAlive()
    {
        return process.isAlive();
    }

    public long pid()
    {
        return process.pid();
    }

    /** SIGTERM, repeated every second for up to 10 s, then SIGKILL; true when it stopped on SIGTERM. */
    public boolean stop() throws InterruptedException
    {
        for (int attempt = 0; attempt < 10 && process.isAlive(); attempt++)
        {
            process.destroy();
            process.waitFor(1, TimeUnit.SECONDS);
        }
        if (process.isAlive())
        {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            return false;
        }
        return true;
    }

    @Override
    public void close() throws InterruptedException
    {
        stop();
    }
}
