package io.spillway.capture.live;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A network namespace of its own for a live test, with veth pairs whose both ends live in test namespaces, so no
 * test frame ever reaches the root namespace or the network beyond. Names are {@code spwtest-<pid>-<n>}; close
 * deletes the namespace and everything in it, and so does a JVM shutdown hook for namespaces a test failed to close.
 * Creating one first deletes leftovers of earlier runs whose JVM is dead. IPv6 is off inside, so the kernel sends
 * no router solicitations or DAD probes that a test would have to tell from its own frames.
 *
 * <p>{@code ip netns exec} gives each command a mount namespace of its own (with its own /sys), so a command sees
 * the namespace's interfaces; files under /tmp are shared. In-process code enters the namespace with {@link #call},
 * which runs on a fresh thread that joined the namespace through setns(2): a socket created there stays in the
 * namespace and may be used from any thread.
 *
 * <p>Needs root (CAP_SYS_ADMIN and CAP_NET_ADMIN) and the {@code ip} tool of iproute2.
 */
public final class NetNs implements AutoCloseable
{
    public static final String PREFIX = "spwtest-";
    private static final Path NETNS_DIRECTORY = Path.of("/run/netns");
    private static final long PID = ProcessHandle.current().pid();
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static final Set<String> OPEN = ConcurrentHashMap.newKeySet();
    private static final long COMMAND_TIMEOUT_SECONDS = 60;

    static
    {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> OPEN.forEach(NetNs::deleteQuietly), "netns-cleanup"));
    }

    private final String name;
    private boolean closed;

    private NetNs(final String name)
    {
        this.name = name;
    }

    /** A new empty namespace with its loopback up and IPv6 off. */
    public static NetNs create()
    {
        removeLeftovers();
        final NetNs ns = new NetNs(PREFIX + PID + "-" + COUNTER.incrementAndGet());
        run(List.of("ip", "netns", "add", ns.name));
        OPEN.add(ns.name);
        try
        {
            ns.exec("sysctl", "-q", "-w", "net.ipv6.conf.all.disable_ipv6=1", "-w",
                "net.ipv6.conf.default.disable_ipv6=1");
            ns.up("lo");
            return ns;
        }
        catch (final RuntimeException ex)
        {
            ns.close();
            throw ex;
        }
    }

    /**
     * A new namespace with a veth pair {@code end}/{@code peer} inside, both up; nothing is left behind if making the
     * pair fails (which a try-with-resources around {@code create().veth(...)} could not promise).
     */
    public static NetNs withVeth(final String end, final String peer)
    {
        final NetNs ns = create();
        try
        {
            return ns.veth(end, peer);
        }
        catch (final RuntimeException ex)
        {
            ns.close();
            throw ex;
        }
    }

    public String name()
    {
        return name;
    }

    /** A veth pair with both ends in this namespace, both up. */
    public NetNs veth(final String end, final String peer)
    {
        ip("link", "add", "name", end, "type", "veth", "peer", "name", peer);
        up(end);
        up(peer);
        return this;
    }

    /** A veth pair from this namespace to {@code other}, another test namespace; both ends up. */
    public NetNs veth(final String end, final NetNs other, final String peer)
    {
        ip("link", "add", "name", end, "type", "veth", "peer", "name", peer, "netns", other.name);
        up(end);
        other.up(peer);
        return this;
    }

    public void up(final String link)
    {
        ip("link", "set", "dev", link, "up");
    }

    public void down(final String link)
    {
        ip("link", "set", "dev", link, "down");
    }

    public void delete(final String link)
    {
        ip("link", "del", "dev", link);
    }

    /** The MAC address of {@code link}, e.g. "62:ed:35:b3:1b:2f". */
    public String macAddress(final String link)
    {
        return exec("cat", "/sys/class/net/" + link + "/address").trim();
    }

    /** {@code ip -n NAME args...}, returning its output. */
    public String ip(final String... args)
    {
        final List<String> command = new ArrayList<>(List.of("ip", "-n", name));
        command.addAll(List.of(args));
        return run(command);
    }

    /** Runs {@code command} inside the namespace ({@code ip netns exec}), returning its standard output. */
    public String exec(final String... command)
    {
        return run(inside(List.of(command)));
    }

    /** {@code ip netns exec NAME} followed by {@code command}, for a caller that runs it itself. */
    public List<String> inside(final List<String> command)
    {
        final List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", name));
        full.addAll(command);
        return full;
    }

    /**
     * Runs {@code task} on a new thread that has entered this namespace (setns(2) applies to the calling thread
     * only), and returns its result or throws what it threw.
     */
    public <T> T call(final Callable<T> task)
    {
        final AtomicReference<T> result = new AtomicReference<>();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final Thread thread = new Thread(() ->
        {
            try
            {
                enter();
                result.set(task.call());
            }
            catch (final Throwable ex)
            {
                failure.set(ex);
            }
        }, "in-" + name);
        thread.start();
        try
        {
            thread.join();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
        final Throwable thrown = failure.get();
        if (thrown instanceof RuntimeException runtime)
        {
            throw runtime;
        }
        if (thrown instanceof Error error)
        {
            throw error;
        }
        if (thrown != null)
        {
            throw new IllegalStateException(thrown);
        }
        return result.get();
    }

    /** Deletes the namespace; its interfaces go with it. Idempotent. */
    @Override
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        deleteQuietly(name);
        OPEN.remove(name);
    }

    /** Names of the namespaces under /run/netns that start with {@link #PREFIX}. */
    public static List<String> testNamespaces()
    {
        final List<String> names = new ArrayList<>();
        if (!Files.isDirectory(NETNS_DIRECTORY))
        {
            return names;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(NETNS_DIRECTORY, PREFIX + "*"))
        {
            for (final Path entry : entries)
            {
                names.add(entry.getFileName().toString());
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        return names;
    }

    /** Namespaces this JVM created and has not deleted (as /run/netns lists them): empty after a clean test. */
    public static List<String> namespacesOfThisJvm()
    {
        final String own = PREFIX + PID + "-";
        return testNamespaces().stream().filter(name -> name.startsWith(own)).toList();
    }

    private void enter()
    {
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment state = LiveNative.callState(arena);
            final MemorySegment path = arena.allocateFrom(NETNS_DIRECTORY.resolve(name).toString());
            final int fd = LiveNative.open(state, path, LiveNative.O_RDONLY | LiveNative.O_CLOEXEC);
            if (fd < 0)
            {
                throw LiveNative.failure("open " + NETNS_DIRECTORY.resolve(name), state);
            }
            try
            {
                if (LiveNative.setns(state, fd, LiveNative.CLONE_NEWNET) != 0)
                {
                    throw LiveNative.failure("setns into " + name, state);
                }
            }
            finally
            {
                LiveNative.close(state, fd);
            }
        }
    }

    /** Deletes namespaces of this prefix whose creating JVM is gone (a run killed before its hook ran). */
    private static void removeLeftovers()
    {
        for (final String leftover : testNamespaces())
        {
            final String[] parts = leftover.substring(PREFIX.length()).split("-");
            try
            {
                final long pid = Long.parseLong(parts[0]);
                if (pid != PID && ProcessHandle.of(pid).isEmpty())
                {
                    deleteQuietly(leftover);
                }
            }
            catch (final NumberFormatException ex)
            {
                // Not one of ours: leave it.
            }
        }
    }

    private static void deleteQuietly(final String namespace)
    {
        try
        {
            run(List.of("ip", "netns", "del", namespace));
        }
        catch (final RuntimeException ex)
        {
            System.err.println("could not delete network namespace " + namespace + ": " + ex.getMessage());
        }
    }

    static String run(final List<String> command)
    {
        try
        {
            final Path errors = Files.createTempFile("spillway-netns", ".err");
            try
            {
                final Process process = new ProcessBuilder(command).redirectError(errors.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
                final String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (!process.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS))
                {
                    process.destroyForcibly();
                    throw new IllegalStateException("timed out: " + String.join(" ", command));
                }
                if (process.exitValue() != 0)
                {
                    throw new IllegalStateException(String.join(" ", command) + " exited with " +
                        process.exitValue() + ": " + Files.readString(errors).strip());
                }
                return out;
            }
            finally
            {
                Files.deleteIfExists(errors);
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot run " + command.get(0) + " (live tests need root and iproute2)",
                ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }
}
