package io.spillway.dpi;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DpiStatePoolTest
{
    private static final int NDPI_42_FLOW_SIZE = 688;

    @Test
    void blocksAreAlignedDistinctAndLargeEnough()
    {
        try (DpiStatePool pool = new DpiStatePool(NDPI_42_FLOW_SIZE, 16))
        {
            assertEquals(704, pool.stride());
            final Set<Long> addresses = new HashSet<>();
            for (int i = 0; i < pool.capacity(); i++)
            {
                final long address = pool.address(pool.allocate());
                assertEquals(0, address % DpiStatePool.ALIGNMENT, "aligned");
                assertTrue(addresses.add(address), "distinct");
            }
            final long lowest = addresses.stream().mapToLong(Long::longValue).min().orElseThrow();
            for (final long address : addresses)
            {
                assertEquals(0, (address - lowest) % pool.stride(), "blocks never overlap");
            }
        }
    }

    @Test
    void exhaustionReturnsMinusOneAndIsCounted()
    {
        try (DpiStatePool pool = new DpiStatePool(NDPI_42_FLOW_SIZE, 3))
        {
            final int a = pool.allocate();
            final int b = pool.allocate();
            final int c = pool.allocate();
            assertEquals(3, new HashSet<>(List.of(a, b, c)).size());
            assertEquals(-1, pool.allocate());
            assertEquals(-1, pool.allocate());
            assertEquals(2, pool.exhaustions());
            assertEquals(3, pool.liveStates());

            pool.release(b);
            assertEquals(b, pool.allocate(), "a released block is reused");
            assertEquals(-1, pool.allocate());
            assertEquals(3, pool.exhaustions());
        }
    }

    @Test
    void randomAllocateReleaseCyclesKeepCountsAndReturnToZero()
    {
        final SplittableRandom random = new SplittableRandom(7);
        try (DpiStatePool pool = new DpiStatePool(NDPI_42_FLOW_SIZE, 100))
        {
            final List<Integer> held = new ArrayList<>();
            final Set<Integer> heldSet = new HashSet<>();
            long expectedExhaustions = 0;
            for (int step = 0; step < 50_000; step++)
            {
                if (random.nextInt(100) < 55)
                {
                    final int index = pool.allocate();
                    if (held.size() == pool.capacity())
                    {
                        assertEquals(-1, index);
                        expectedExhaustions++;
                    }
                    else
                    {
                        assertTrue(index >= 0 && index < pool.capacity(), "index " + index);
                        assertTrue(heldSet.add(index), "index handed out twice: " + index);
                        held.add(index);
                    }
                }
                else if (!held.isEmpty())
                {
                    final int index = held.remove(random.nextInt(held.size()));
                    heldSet.remove(index);
                    pool.release(index);
                }
                assertEquals(held.size(), pool.liveStates());
            }
            assertTrue(expectedExhaustions > 0, "the walk reaches the capacity");
            assertEquals(expectedExhaustions, pool.exhaustions());
            for (final int index : held)
            {
                pool.release(index);
            }
            assertEquals(0, pool.liveStates());
        }
    }

    @Test
    void doubleReleaseAndForeignIndicesAreDetected()
    {
        try (DpiStatePool pool = new DpiStatePool(NDPI_42_FLOW_SIZE, 4))
        {
            final int index = pool.allocate();
            pool.release(index);
            assertThrows(IllegalStateException.class, () -> pool.release(index));
            assertThrows(IllegalStateException.class, () -> pool.release(3));
            assertThrows(IllegalStateException.class, () -> pool.release(-1));
            assertThrows(IllegalStateException.class, () -> pool.release(4));
            assertThrows(IllegalStateException.class, () -> pool.address(index));
            assertEquals(0, pool.liveStates());
        }
    }

    @Test
    void classifyingAFlowNeverWritesIntoTheNextBlock() throws DpiUnavailableException
    {
        try (NdpiClassifier classifier = Dpi.load().newClassifier();
            DpiStatePool pool = new DpiStatePool(classifier.flowStateSize(), 2);
            Arena arena = Arena.ofConfined())
        {
            final int first = pool.allocate();
            final int second = pool.allocate();
            final UnsafeBuffer neighbour = new UnsafeBuffer(pool.address(second), pool.stride());
            neighbour.setMemory(0, pool.stride(), (byte)0x5A);

            final UnsafeBuffer packet = new UnsafeBuffer(arena.allocate(512, 8).address(), 512);
            final int length = TestPackets.udp4(packet, 0, TestPackets.ipv4(10, 0, 0, 1), TestPackets.ipv4(10, 0, 0, 2),
                40_000, 53, TestPackets.dnsQuery(9, "neighbour.example"));
            final long state = pool.address(first);
            classifier.startFlow(state);
            assertNotEquals(Verdict.INSPECTING, classifier.processPacket(state, packet.addressOffset(), length, 1));
            classifier.giveUp(state);
            classifier.endFlow(state);

            for (int i = 0; i < pool.stride(); i++)
            {
                assertEquals((byte)0x5A, neighbour.getByte(i), "byte " + i + " of the next block");
            }
            pool.release(first);
            pool.release(second);
            assertEquals(0, pool.liveStates());
        }
    }

    @Test
    void refusesUseAfterCloseAndBadSizes()
    {
        final DpiStatePool pool = new DpiStatePool(NDPI_42_FLOW_SIZE, 2);
        final int index = pool.allocate();
        pool.close();
        pool.close();
        assertThrows(IllegalStateException.class, pool::allocate);
        assertThrows(IllegalStateException.class, () -> pool.address(index));
        assertThrows(IllegalStateException.class, () -> pool.release(index));
        assertThrows(IllegalArgumentException.class, () -> new DpiStatePool(0, 1));
        assertThrows(IllegalArgumentException.class, () -> new DpiStatePool(NDPI_42_FLOW_SIZE, 0));
    }
}
