package io.spillway.offload.emulated;

import io.spillway.offload.LearnResult;
import io.spillway.offload.OffloadAction;
import org.junit.jupiter.api.Test;

import static io.spillway.offload.emulated.NicDriver.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LearningRateTest
{
    private static final long US = 1_000L;

    @Test
    void curveIsFlatTo90PercentThenFallsWithTheSquareOfTheRoomLeft()
    {
        assertEquals(1_000_000, LearnRateLimiter.rate(1_000_000, 0.0));
        assertEquals(1_000_000, LearnRateLimiter.rate(1_000_000, 0.9));
        assertEquals(250_000, LearnRateLimiter.rate(1_000_000, 0.95), 1);
        assertEquals(90_000, LearnRateLimiter.rate(1_000_000, 0.97), 1);
        assertEquals(10_000, LearnRateLimiter.rate(1_000_000, 0.99), 1);
        assertEquals(0, LearnRateLimiter.rate(1_000_000, 1.0));
        long previous = Long.MAX_VALUE;
        for (int permille = 0; permille <= 1000; permille++)
        {
            final long rate = LearnRateLimiter.rate(1_000_000, permille / 1000.0);
            assertTrue(rate <= previous, "non-increasing at " + permille);
            previous = rate;
        }
    }

    @Test
    void acceptsAtMostTheNominalRateOfDeviceTime()
    {
        final long rate = 100_000;
        final long burst = 100;
        final NicDriver driver = new NicDriver(NicDriver.config()
            .flowTableCapacity(100_000).learnRateFlowsPerSecond(rate).learnBurst(burst));
        final long duration = 500_000 * US;
        int flow = 0;
        int accepted = 0;
        int refused = 0;
        // Offer 5 learns every 10 us of device time: 500,000/s, five times the rate.
        for (long t = T0; t < T0 + duration; t += 10 * US)
        {
            driver.nic.advanceTime(t);
            for (int i = 0; i < 5; i++)
            {
                final int result = driver.learn(++flow, flow, OffloadAction.COUNT_AND_DROP);
                accepted += result == LearnResult.ACCEPTED ? 1 : 0;
                refused += result == LearnResult.RATE_EXCEEDED ? 1 : 0;
            }
        }

        final long allowed = rate * duration / 1_000_000_000L;
        assertTrue(accepted <= allowed + burst, "accepted " + accepted + " of at most " + (allowed + burst));
        assertTrue(accepted >= allowed - 1, "accepted " + accepted + ", the device should keep up with " + allowed);
        assertEquals(flow, accepted + refused, "every learn was accepted or refused for the rate");
        assertEquals(refused, driver.nic.counters().get(NicCounter.LEARNS_REFUSED_RATE));
        assertEquals(accepted, driver.poll().size(), "one event per accepted learn, none for refused ones");
    }

    @Test
    void degradesAbove90PercentFillAsDocumented()
    {
        final int capacity = 200_000;
        final long nominal = 1_000_000;
        final long burst = 10;
        final NicDriver driver = new NicDriver(NicDriver.config()
            .flowTableCapacity(capacity).learnRateFlowsPerSecond(nominal).learnBurst(burst));
        final Clock clock = new Clock();

        final double[] fills = {0.5, 0.95, 0.97};
        final long[] accepted = new long[fills.length];
        for (int i = 0; i < fills.length; i++)
        {
            while (driver.nic.counters().get(NicCounter.TABLE_FLOWS) < fills[i] * capacity)
            {
                offer(driver, clock, 10 * US);
            }
            final double startFill = (double)driver.nic.counters().get(NicCounter.TABLE_FLOWS) / capacity;
            final long window = 2_000 * US;
            final long before = driver.nic.counters().get(NicCounter.LEARNS_ACCEPTED);
            for (long elapsed = 0; elapsed < window; elapsed += 10 * US)
            {
                offer(driver, clock, 10 * US);
            }
            accepted[i] = driver.nic.counters().get(NicCounter.LEARNS_ACCEPTED) - before;
            final double endFill = (double)driver.nic.counters().get(NicCounter.TABLE_FLOWS) / capacity;

            // The fill rises a little during the window: the count lies between the curve at its end and start.
            final long most = LearnRateLimiter.rate(nominal, startFill) * window / 1_000_000_000L + burst;
            final long least = LearnRateLimiter.rate(nominal, endFill) * window / 1_000_000_000L - burst;
            assertTrue(accepted[i] >= least && accepted[i] <= most,
                "fill " + startFill + " to " + endFill + ": accepted " + accepted[i] + ", expected " + least + ".." +
                most);
        }
        assertEquals(2_000, accepted[0], burst, "nominal rate below 90%");
        assertEquals(0.25, (double)accepted[1] / accepted[0], 0.03, "a quarter of nominal at 95%");
        assertEquals(0.09, (double)accepted[2] / accepted[0], 0.02, "9% of nominal at 97%");
    }

    /** Advances device time by {@code step} and offers 20 learns of new flows. */
    private static void offer(final NicDriver driver, final Clock clock, final long step)
    {
        clock.now += step;
        driver.nic.advanceTime(clock.now);
        for (int i = 0; i < 20; i++)
        {
            clock.flow++;
            driver.learn(clock.flow, clock.flow, OffloadAction.COUNT_AND_DROP);
        }
        if (clock.flow % 10_000 == 0)
        {
            driver.handler.events.clear();
            driver.poll();
        }
    }

    private static final class Clock
    {
        long now = T0;
        int flow;
    }
}
