package io.spillway.probe.live;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The live tests' only way to wait: a condition polled every few milliseconds until a deadline, failing with what was
 * awaited and what was seen instead. A fixed sleep either wastes time or fails on a loaded machine; a deadline only
 * ends a wait that would never end.
 */
final class Await
{
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private Await()
    {
    }

    /** Waits until {@code condition} holds, at most {@code timeout}. */
    static void until(final String what, final Duration timeout, final BooleanSupplier condition)
    {
        until(what, timeout, condition, () -> "");
    }

    /** As {@link #until(String, Duration, BooleanSupplier)}; {@code seen} says what there was instead, on failure. */
    static void until(final String what, final Duration timeout, final BooleanSupplier condition,
        final Supplier<String> seen)
    {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() - deadline > 0)
            {
                final String detail = seen.get();
                throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for " + what +
                    (detail.isEmpty() ? "" : "; seen: " + detail));
            }
            LockSupport.parkNanos(POLL_NANOS);
        }
    }
}
