package io.spillway.dpi;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.ByteOrder;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Garbage in, no crash out: nDPI sees whatever the wire carries, the JVM must survive all of it. */
class ClassifierRobustnessTest
{
    private static final int PACKETS = 100_000;
    private static final int MAX_RANDOM_LENGTH = 1500;
    private static final int[] L4_PROTOCOLS = { 6, 17, 1, 58, 47, 132, 0, 44, 255 };

    // Packets end where an inaccessible page starts: nDPI reading past ipLength would fault, not pass.
    private final GuardedMemory memory = new GuardedMemory(Classifier.MAX_IP_LENGTH);
    private final UnsafeBuffer packet = memory.buffer();
    private NdpiClassifier classifier;
    private DpiStatePool pool;

    @BeforeEach
    void open() throws DpiUnavailableException
    {
        classifier = Dpi.load().newClassifier();
        pool = new DpiStatePool(classifier.flowStateSize(), 1);
    }

    @AfterEach
    void close()
    {
        classifier.close();
        pool.close();
        memory.close();
    }

    @Test
    void hundredThousandRandomPacketsOnFreshStatesNeverCrash()
    {
        final SplittableRandom random = new SplittableRandom(0x5EED);
        final long[] verdicts = new long[4];
        int packets = 0;
        int flows = 0;
        while (packets < PACKETS)
        {
            final int index = pool.allocate();
            assertTrue(index >= 0, "the previous flow's state was released");
            final long state = pool.address(index);
            classifier.startFlow(state);
            int verdict = Verdict.INSPECTING;
            final int flowPackets = 1 + random.nextInt(4);
            for (int i = 0; i < flowPackets && !Verdict.isFinal(verdict) && packets < PACKETS; i++)
            {
                final int length = 1 + random.nextInt(MAX_RANDOM_LENGTH);
                final long address = randomPacket(random, length);
                verdict = classifier.processPacket(state, address, length, packets);
                assertTrue(verdict >= Verdict.INSPECTING && verdict <= Verdict.GAVE_UP, "verdict " + verdict);
                verdicts[verdict]++;
                packets++;
            }
            if (!Verdict.isFinal(verdict))
            {
                assertTrue(Verdict.isFinal(classifier.giveUp(state)));
            }
            classifier.endFlow(state);
            pool.release(index);
            flows++;
        }
        assertEquals(PACKETS, verdicts[0] + verdicts[1] + verdicts[2] + verdicts[3]);
        assertTrue(verdicts[Verdict.INSPECTING] > 0, "most garbage stays unclassified");
        assertTrue(flows > PACKETS / 4, "flows " + flows);
        assertEquals(0, pool.liveStates());
    }

    @Test
    void anyAcceptedLengthUpToTheIpMaximumIsSafe()
    {
        final SplittableRandom random = new SplittableRandom(99);
        final int index = pool.allocate();
        final long state = pool.address(index);
        for (int i = 0; i < 300; i++)
        {
            final int length = switch (i)
            {
                case 0 -> 1;
                case 1 -> Classifier.MAX_IP_LENGTH;
                default -> 1 + random.nextInt(Classifier.MAX_IP_LENGTH);
            };
            final long address = randomPacket(random, length);
            classifier.startFlow(state);
            final int verdict = classifier.processPacket(state, address, length, i);
            assertTrue(verdict >= Verdict.INSPECTING && verdict <= Verdict.GAVE_UP, "verdict " + verdict);
            classifier.giveUp(state);
            classifier.endFlow(state);
        }
        pool.release(index);
        assertEquals(0, pool.liveStates());
    }

    @Test
    void lengthsOutsideTheIpRangeAreRejected()
    {
        final SplittableRandom random = new SplittableRandom(3);
        final int index = pool.allocate();
        final long state = pool.address(index);
        classifier.startFlow(state);
        for (int i = 0; i < 10_000; i++)
        {
            final int tooShort = -random.nextInt(Integer.MAX_VALUE);
            final int tooLong =
                Classifier.MAX_IP_LENGTH + 1 + random.nextInt(Integer.MAX_VALUE - Classifier.MAX_IP_LENGTH);
            assertThrows(IllegalArgumentException.class,
                () -> classifier.processPacket(state, packet.addressOffset(), tooShort, 0));
            assertThrows(IllegalArgumentException.class,
                () -> classifier.processPacket(state, packet.addressOffset(), tooLong, 0));
        }
        assertEquals(Verdict.INSPECTING, classifier.verdict(), "no rejected call reached nDPI");
        classifier.endFlow(state);
        pool.release(index);
    }

    /**
     * Writes {@code length} random bytes ending at the guard page and returns their address. A quarter
     * of the packets each are shaped as IPv4, IPv6 or IPv4 with lying header lengths, so the garbage
     * also reaches nDPI's transport and application dissectors.
     */
    private long randomPacket(final SplittableRandom random, final int length)
    {
        final int start = memory.capacity() - length;
        for (int i = 0; i < length; i += 8)
        {
            final long bits = random.nextLong();
            for (int j = 0; j < 8 && i + j < length; j++)
            {
                packet.putByte(start + i + j, (byte)(bits >>> (j * 8)));
            }
        }
        final int protocol = L4_PROTOCOLS[random.nextInt(L4_PROTOCOLS.length)];
        switch (random.nextInt(4))
        {
            case 0 ->
            {
            }
            case 1 ->
            {
                packet.putByte(start, (byte)0x45);
                if (length >= 20)
                {
                    packet.putShort(start + 2, (short)length, ByteOrder.BIG_ENDIAN);
                    packet.putShort(start + 6, (short)0, ByteOrder.BIG_ENDIAN);
                    packet.putByte(start + 9, (byte)protocol);
                }
            }
            case 2 ->
            {
                packet.putByte(start, (byte)0x60);
                if (length >= 40)
                {
                    packet.putShort(start + 4, (short)(length - 40), ByteOrder.BIG_ENDIAN);
                    packet.putByte(start + 6, (byte)protocol);
                }
            }
            default ->
            {
                packet.putByte(start, (byte)(0x40 | random.nextInt(16)));
                if (length >= 20)
                {
                    packet.putByte(start + 9, (byte)protocol);
                }
            }
        }
        return packet.addressOffset() + start;
    }
}
