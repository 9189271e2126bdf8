package io.spillway.probe.flow;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Random traffic through the cache against a plain map of what was sent: whatever the capacity,
 * timeouts and evictions, the records of each conversation add up to exactly what it sent,
 * no record is empty, and nothing stays in the cache after the flush.
 */
class FlowCacheModelTest
{
    private record Endpoints(boolean v6, long aHi, long aLo, int aPort, long bHi, long bLo, int bPort, int protocol)
    {
    }

    @ParameterizedTest(name = "seed {0}, capacity {1}, {2} conversations")
    @CsvSource({
        "1, 4, 50",
        "2, 16, 16",
        "3, 64, 300",
        "4, 1000, 700",
        "5, 100000, 5000",
        "6, 7, 2000"})
    void recordsAddUpToWhatEachConversationSent(final long seed, final int capacity, final int conversations)
    {
        final SplittableRandom random = new SplittableRandom(seed);
        final List<Endpoints> pool = new ArrayList<>();
        for (int i = 0; i < conversations; i++)
        {
            final boolean v6 = random.nextInt(4) == 0;
            pool.add(new Endpoints(v6,
                v6 ? random.nextLong() : 0, v6 ? random.nextLong() : random.nextLong() & 0xFFFF_FFFFL,
                random.nextInt(65536),
                v6 ? random.nextLong() : 0, v6 ? random.nextLong() : random.nextLong() & 0xFFFF_FFFFL,
                random.nextInt(65536), random.nextBoolean() ? 6 : 17));
        }

        final List<RecordedFlow> records = new ArrayList<>();
        final TestPackets packets = new TestPackets();
        final Map<String, long[]> sent = new HashMap<>();
        try (FlowCache cache = new FlowCache(0, capacity, new FlowTimeouts(5_000, 20_000, 500, 1_000),
            r -> records.add(RecordedFlow.of(r))))
        {
            long time = 1_700_000_000_000L;
            for (int i = 0; i < 60_000; i++)
            {
                time += random.nextInt(3);
                final Endpoints e = pool.get(random.nextInt(pool.size()));
                final boolean forward = random.nextBoolean();
                final int length = 40 + random.nextInt(1400);
                final int flags = e.protocol() == 6 ? random.nextInt(64) & ~0x04 : 0;
                cache.advanceTime(time);
                if (e.v6())
                {
                    cache.onPacket(forward ?
                        packets.v6(e.aHi(), e.aLo(), e.aPort(), e.bHi(), e.bLo(), e.bPort(), e.protocol(), length, time) :
                        packets.v6(e.bHi(), e.bLo(), e.bPort(), e.aHi(), e.aLo(), e.aPort(), e.protocol(), length, time),
                        0);
                }
                else
                {
                    cache.onPacket(forward ?
                        packets.v4((int)e.aLo(), e.aPort(), (int)e.bLo(), e.bPort(), e.protocol(), flags, length, time) :
                        packets.v4((int)e.bLo(), e.bPort(), (int)e.aLo(), e.aPort(), e.protocol(), flags, length, time),
                        0);
                }
                final long[] totals = sent.computeIfAbsent(key(e), k -> new long[2]);
                totals[0]++;
                totals[1] += length;
                assertTrue(cache.liveFlows() <= capacity);
            }
            cache.flushAll();
            assertEquals(0, cache.liveFlows());
            assertEquals(records.size(), cache.records());
        }

        final Map<String, long[]> exported = new HashMap<>();
        for (final RecordedFlow r : records)
        {
            assertTrue(r.packets() > 0, "empty record " + r);
            final long[] totals = exported.computeIfAbsent(r.conversation(), k -> new long[2]);
            totals[0] += r.packets();
            totals[1] += r.fwdOctets() + r.revOctets();
        }
        assertEquals(sent.keySet(), exported.keySet());
        for (final Map.Entry<String, long[]> e : sent.entrySet())
        {
            assertEquals(e.getValue()[0], exported.get(e.getKey())[0], "packets of " + e.getKey());
            assertEquals(e.getValue()[1], exported.get(e.getKey())[1], "octets of " + e.getKey());
        }
    }

    private static String key(final Endpoints e)
    {
        final RecordedFlow probe = new RecordedFlow(e.v6() ? 6 : 4, address(e.v6(), e.aHi(), e.aLo()),
            address(e.v6(), e.bHi(), e.bLo()), e.aPort(), e.bPort(), e.protocol(), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
            0, 0, 0, "", "", "", 0, 0);
        return probe.conversation();
    }

    private static String address(final boolean v6, final long hi, final long lo)
    {
        try
        {
            final byte[] bytes;
            if (v6)
            {
                bytes = java.nio.ByteBuffer.allocate(16).putLong(hi).putLong(lo).array();
            }
            else
            {
                bytes = java.nio.ByteBuffer.allocate(4).putInt((int)lo).array();
            }
            return java.net.InetAddress.getByAddress(bytes).getHostAddress();
        }
        catch (final java.net.UnknownHostException ex)
        {
            throw new IllegalStateException(ex);
        }
    }
}
