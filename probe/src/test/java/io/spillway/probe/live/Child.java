package io.spillway.probe.live;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A process a live test started (a child JVM, a server, a client, a capture), its output in files so that the test
 * can read it while the process runs. Close ends it and whatever it started, so a failing test leaves nothing
 * running; {@link #leftovers} lists any started process still alive, for the tests' after-each check.
 */
final class Child implements AutoCloseable
{
    private static final Set<ProcessHandle> STARTED = ConcurrentHashMap.newKeySet();
    private static final Duration GRACE = Duration.ofSeconds(5);

    private final String name;
    private final Process process;
    private final Path stdout;
    private final Path stderr;

    private Child(final String name, final Process process, final Path stdout, final Path stderr)
    {
        this.name = name;
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    /** Starts {@code command} with nothing on its standard input; output goes to {@code name}.out and .err. */
    static Child start(final String name, final Path directory, final List<String> command)
    {
        return start(name, directory, command, new File("/dev/null"));
    }

    /**
     * As {@link #start(String, Path, List)}, its standard input a pipe that stays open and empty until close: for a
     * server that takes the end of its input as the order to quit (openssl s_server).
     */
    static Child startWithOpenInput(final String name, final Path directory, final List<String> command)
    {
        return start(name, directory, command, null);
    }

    /** As {@link #start(String, Path, List)}, its standard input read from {@code input}. */
    static Child start(final String name, final Path directory, final List<String> command, final File input)
    {
        final Path out = directory.resolve(name + ".out");
        final Path err = directory.resolve(name + ".err");
        try
        {
            final Process process = new ProcessBuilder(command).redirectOutput(out.toFile())
                .redirectError(err.toFile()).redirectInput(input == null ? ProcessBuilder.Redirect.PIPE :
                    ProcessBuilder.Redirect.from(input)).start();
            STARTED.add(process.toHandle());
            return new Child(name, process, out, err);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot start " + command.get(0) + " for " + name, ex);
        }
    }

    /** Runs {@code command} to its end, at most {@code timeout}, and returns its exit code. */
    static int run(final String name, final Path directory, final List<String> command, final Duration timeout)
    {
        try (Child child = start(name, directory, command))
        {
            return child.awaitExit(timeout);
        }
    }

    long pid()
    {
        return process.pid();
    }

    boolean isAlive()
    {
        return process.isAlive();
    }

    String stdout()
    {
        return read(stdout);
    }

    String stderr()
    {
        return read(stderr);
    }

    /** Waits until the process printed {@code text} on stderr; fails at once when it ended without. */
    void awaitStderr(final String text, final Duration timeout)
    {
        Await.until(name + " to print '" + text + "' on stderr", timeout, () ->
        {
            if (stderr().contains(text))
            {
                return true;
            }
            if (!process.isAlive() && !stderr().contains(text))
            {
                throw new AssertionError(name + " ended (exit " + process.exitValue() + ") without printing '" +
                    text + "'; stderr:\n" + stderr());
            }
            return false;
        }, this::stderr);
    }

    /** Sends {@code signal} (INT, TERM, ...) to the process, with the shell's own kill (no procps needed). */
    void signal(final String signal)
    {
        final int exit = run("kill-" + signal, stdout.getParent(), List.of("sh", "-c", "kill -s \"$0\" \"$1\"",
            signal, Long.toString(process.pid())), Duration.ofSeconds(10));
        if (exit != 0)
        {
            throw new AssertionError("kill -s " + signal + " " + process.pid() + " exited with " + exit);
        }
    }

    /** Waits for the process to end, at most {@code timeout}, and returns its exit code. */
    int awaitExit(final Duration timeout)
    {
        try
        {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS))
            {
                throw new AssertionError(name + " did not end within " + timeout.toMillis() + " ms; stderr:\n" +
                    stderr());
            }
            return process.exitValue();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    /** Ends the process (SIGTERM, then SIGKILL after a grace period) and everything it started. */
    @Override
    public void close()
    {
        final List<ProcessHandle> descendants = process.descendants().toList();
        end(process.toHandle());
        descendants.forEach(Child::end);
    }

    /** Processes the live tests started that are still alive: none, after a test that cleaned up. */
    static List<String> leftovers()
    {
        STARTED.removeIf(handle -> !handle.isAlive());
        return STARTED.stream().map(handle -> handle.pid() + " " + handle.info().commandLine().orElse("?")).toList();
    }

    private static void end(final ProcessHandle handle)
    {
        if (!handle.isAlive())
        {
            return;
        }
        handle.destroy();
        try
        {
            handle.onExit().get(GRACE.toMillis(), TimeUnit.MILLISECONDS);
        }
        catch (final Exception ex)
        {
            handle.destroyForcibly();
            handle.onExit().join();
        }
    }

    private static String read(final Path file)
    {
        try
        {
            // Leniently: the process may be in the middle of writing a character.
            return Files.exists(file) ? new String(Files.readAllBytes(file), StandardCharsets.UTF_8) : "";
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}
