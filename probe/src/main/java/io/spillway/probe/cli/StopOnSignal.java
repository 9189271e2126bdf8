package io.spillway.probe.cli;

import io.spillway.probe.pipeline.Probe;
import sun.misc.Signal;
import sun.misc.SignalHandler;

import java.io.PrintStream;

/**
 * SIGINT and SIGTERM while the probe runs: the first stops capturing, and the run then exports every live flow,
 * closes the exporters and exits 0; a second one exits at once. The JVM's own handlers (which would run shutdown
 * hooks and exit with 130 or 143 without the flows) come back on close.
 */
final class StopOnSignal implements AutoCloseable
{
    private static final String[] SIGNALS = {"INT", "TERM"};

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
