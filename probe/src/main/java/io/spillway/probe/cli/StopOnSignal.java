package io.spillway.probe.cli;

import io.spillway.probe.pipeline.Probe;
import sun.misc.Signal;
import sun.misc.SignalHandler;

import java.io.PrintStream;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * SIGINT and SIGTERM while the probe runs: the first stops capturing, and the run then exports every live flow,
 * closes the exporters and exits 0; a second one exits at once. The JVM's own handlers (which would run shutdown
 * hooks and exit with 130 or 143 without the flows) come back on close.
 * <p>
 * A shell starts the background jobs of a script with SIGINT ignored, and the JVM then declines to handle it: a
 * probe started with {@code &} would not stop on {@code kill -INT}. As tcpdump does, the probe takes SIGINT back
 * (its disposition reset to the default before the handler goes in).
 */
final class StopOnSignal implements AutoCloseable
{
    private static final String[] SIGNALS = {"INT", "TERM"};
    private static final int SIGINT = 2;
    private static final long SIG_IGN = 1;

    private final Probe probe;
    private final PrintStream err;
    private final SignalHandler[] previous = new SignalHandler[SIGNALS.length];
    private volatile boolean stopping;

    private StopOnSignal(final Probe probe, final PrintStream err)
    {
        this.probe = probe;
        this.err = err;
    }

    static StopOnSignal install(final Probe probe, final PrintStream err)
    {
        takeBackInterrupt();
        final StopOnSignal handler = new StopOnSignal(probe, err);
        for (int i = 0; i < SIGNALS.length; i++)
        {
            handler.previous[i] = Signal.handle(new Signal(SIGNALS[i]), handler::onSignal);
        }
        return handler;
    }

    @Override
    public void close()
    {
        for (int i = 0; i < SIGNALS.length; i++)
        {
            Signal.handle(new Signal(SIGNALS[i]), previous[i]);
        }
    }

    /** signal(SIGINT, SIG_DFL): an inherited "ignore" would keep the JVM from installing the handler. */
    private static void takeBackInterrupt()
    {
        try
        {
            final Linker linker = Linker.nativeLinker();
            final MethodHandle signal = linker.downcallHandle(linker.defaultLookup().findOrThrow("signal"),
                FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
            final MemorySegment previous = (MemorySegment)signal.invokeExact(SIGINT, MemorySegment.NULL);
            if (previous.address() != SIG_IGN)
            {
                // It was not ignored: put back what the JVM had installed.
                final MemorySegment ignored = (MemorySegment)signal.invokeExact(SIGINT, previous);
            }
        }
        catch (final Throwable ex)
        {
            // Without libc's signal the JVM's own rules apply: SIGINT may stay ignored in a background job.
        }
    }

    private void onSignal(final Signal signal)
    {
        if (stopping)
        {
            err.println("spillway: SIG" + signal.getName() + " again: exiting without exporting the rest");
            Runtime.getRuntime().halt(128 + signal.getNumber());
        }
        stopping = true;
        err.println("spillway: SIG" + signal.getName() + ": stopping; exporting every flow (send it again to " +
            "exit at once)");
        probe.stop();
    }
}
