package io.spillway.capture.contract;

import io.spillway.capture.file.PcapWriter;
import io.spillway.device.Counters;
import io.spillway.device.Device;
import io.spillway.device.DeviceCounters;
import io.spillway.device.DeviceSpec;
import io.spillway.device.ReceiveCounters;
import io.spillway.device.ReceiveParser;
import io.spillway.device.RxQueue;
import io.spillway.packet.LinkType;
import io.spillway.packet.PacketBatch;
import io.spillway.packet.PacketBuilder;
import io.spillway.packet.PacketDescriptor;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every device's receive queues promise the workers, run against each backend by a subclass: every packet of
 * the input is delivered exactly once; both directions of a flow come on the same queue, in their order; every queue
 * ends, and says so again when polled after its end; the device's standard counters add up to what was delivered.
 * The traffic is UDP flows over IPv4 and IPv6, both directions, each packet carrying its flow and its number.
 */
public abstract class RxQueueContract
{
    protected static final int FLOWS = 300;
    protected static final int PACKETS_PER_FLOW = 8;
    protected static final int QUEUES = 2;
    private static final long START_NS = 1_700_000_000_000_000_000L;
    private static final int MAGIC = 0x53504C57;

    @TempDir
    protected Path dir;

    /** A packet as the test read it back: its flow, its number in the flow, the queue that delivered it. */
    record Received(int flow, int number, int queue)
    {
    }

    /**
     * Opens the device under test with {@code spec} ({@link #QUEUES} queues, counters in the spec's registry),
     * ready to receive the packets of {@code capture}: a device that reads a stream reads that file.
     */
    protected abstract Device open(DeviceSpec spec, Path capture);

    /** Offers the packets of {@code capture} to a live device, once it is open; a stream device reads them itself. */
    protected void send(final Path capture)
    {
    }

    /** Whether the queues end by themselves at the end of the input (a stream) or when the device is stopped. */
    protected abstract boolean endsByItself();

    @Test
    void everyPacketOnceWithBothDirectionsOfAFlowOnOneQueueInOrder()
    {
        final List<Received> received = receiveAll();
        assertEquals(FLOWS * PACKETS_PER_FLOW, received.size(), "every packet, once: " + perQueue(received));
        final Map<Integer, Integer> queueOfFlow = new HashMap<>();
        final Map<Integer, Integer> lastNumber = new HashMap<>();
        final int[] perQueue = new int[QUEUES];
        for (final Received packet : received)
        {
            final int queue = queueOfFlow.computeIfAbsent(packet.flow(), flow -> packet.queue());
            assertEquals(queue, packet.queue(), "flow " + packet.flow() + ": both directions on one queue");
            final int previous = lastNumber.getOrDefault(packet.flow(), -1);
            assertEquals(previous + 1, packet.number(), "flow " + packet.flow() + ": in order, none missing");
            lastNumber.put(packet.flow(), packet.number());
            perQueue[packet.queue()]++;
        }
        for (int q = 0; q < QUEUES; q++)
        {
            assertTrue(perQueue[q] > FLOWS * PACKETS_PER_FLOW / 4, "queue " + q + " took " + perQueue[q] +
                " packets: the hash spreads flows over the queues");
        }
    }

    @Test
    void theStandardCountersAddUpToWhatWasDelivered()
    {
        final Counters counters = new Counters();
        final List<Received> received = receiveAll(counters);
        assertEquals(FLOWS * PACKETS_PER_FLOW, received.size(), "every packet, once: " + perQueue(received));
        assertEquals(received.size(), counters.total(ReceiveCounters.TYPE_PACKETS),
            "the parsers (the device's and the test's) read every packet once");
        assertEquals(0, counters.total(DeviceCounters.TYPE_DROPS), "nothing lost");
        assertEquals(received.size(), counters.total(DeviceCounters.TYPE_TO_HOST), "delivered to the queues");
        assertEquals(0, counters.total(DeviceCounters.TYPE_HW_PACKETS), "nothing handled in hardware");
    }

    /** Writes the traffic, runs the device, polls every queue on this thread until each has ended. */
    protected final List<Received> receiveAll()
    {
        return receiveAll(new Counters());
    }

    private List<Received> receiveAll(final Counters counters)
    {
        final Path capture = writeTraffic(dir.resolve("contract.pcap"));
        final DeviceSpec spec = DeviceSpec.of(QUEUES, counters);
        final List<Received> received = new ArrayList<>();
        final List<AgentRunner> runners = new ArrayList<>();
        try (Device device = open(spec, capture))
        {
            assertEquals(QUEUES, device.queues());
            for (final Agent agent : device.agents())
            {
                final AgentRunner runner = new AgentRunner(new SleepingMillisIdleStrategy(1), Throwable::printStackTrace,
                    null, agent);
                runners.add(runner);
                AgentRunner.startOnThread(runner);
            }
            send(capture);
            pollUntilEnd(device, counters, received);
        }
        finally
        {
            runners.forEach(AgentRunner::close);
        }
        return received;
    }

    private void pollUntilEnd(final Device device, final Counters counters, final List<Received> received)
    {
        final ReceiveParser parser = new ReceiveParser(new ReceiveCounters(counters, 0));
        final boolean[] ended = new boolean[QUEUES];
        int endedCount = 0;
        final long deadline = System.nanoTime() + 60_000_000_000L;
        while (endedCount < QUEUES)
        {
            assertTrue(System.nanoTime() < deadline, "the queues did not end within a minute: " + received.size() +
                " packets received");
            if (!endsByItself() && received.size() >= FLOWS * PACKETS_PER_FLOW)
            {
                device.stop();
            }
            for (int q = 0; q < QUEUES; q++)
            {
                if (ended[q])
                {
                    final int queue = q;
                    assertEquals(RxQueue.END, device.rxQueue(q).poll(batch ->
                        assertEquals(0, batch.count(), "queue " + queue + " delivered packets after its end")),
                        "queue " + q + " says END again");
                    continue;
                }
                final int queue = q;
                final int polled = device.rxQueue(q).poll(batch -> take(batch, queue, parser, received));
                if (polled == RxQueue.END)
                {
                    ended[q] = true;
                    endedCount++;
                }
            }
            Thread.onSpinWait();
        }
        for (int q = 0; q < QUEUES; q++)
        {
            // Every queue is asked again after the last one ended, whatever the timing of the loop above was.
            final int queue = q;
            assertEquals(RxQueue.END, device.rxQueue(q).poll(batch ->
                assertEquals(0, batch.count(), "queue " + queue + " delivered packets after its end")),
                "queue " + q + " says END again");
        }
    }

    private static String perQueue(final List<Received> received)
    {
        final Map<Integer, Long> packets = new HashMap<>();
        final Map<Integer, Long> distinct = new HashMap<>();
        received.forEach(packet -> packets.merge(packet.queue(), 1L, Long::sum));
        received.stream().distinct().forEach(packet -> distinct.merge(packet.queue(), 1L, Long::sum));
        return "packets per queue " + packets + ", distinct " + distinct;
    }

    private static void take(
        final PacketBatch batch, final int queue, final ReceiveParser parser, final List<Received> received)
    {
        if (!batch.isParsed())
        {
            parser.parseInPlace(batch);
        }
        final DirectBuffer descriptors = batch.buffer();
        final UnsafeBuffer packet = new UnsafeBuffer(0, 0);
        for (int i = 0; i < batch.count(); i++)
        {
            final int at = batch.descriptorOffset(i);
            final int payload = descriptors.getShort(at + PacketDescriptor.PAYLOAD_OFFSET);
            packet.wrap(descriptors.getLong(at + PacketDescriptor.PACKET_ADDRESS),
                descriptors.getInt(at + PacketDescriptor.CAPTURED_LENGTH));
            if (payload < 0 || packet.getInt(payload, java.nio.ByteOrder.BIG_ENDIAN) != MAGIC)
            {
                continue;
            }
            received.add(new Received(packet.getInt(payload + 4, java.nio.ByteOrder.BIG_ENDIAN),
                packet.getInt(payload + 8, java.nio.ByteOrder.BIG_ENDIAN), queue));
        }
    }

    /** The flows, interleaved: packet k of every flow, then packet k + 1; odd packets are replies. */
    protected static Path writeTraffic(final Path file)
    {
        try (PcapWriter writer = new PcapWriter(file, LinkType.ETHERNET, 65_535))
        {
            long time = START_NS;
            for (int number = 0; number < PACKETS_PER_FLOW; number++)
            {
                for (int flow = 0; flow < FLOWS; flow++)
                {
                    writer.write(time, frame(flow, number));
                    time += 10_000;
                }
            }
        }
        return file;
    }

    private static byte[] frame(final int flow, final int number)
    {
        final ByteBuffer payload = ByteBuffer.allocate(12).putInt(MAGIC).putInt(flow).putInt(number);
        final boolean reply = number % 2 == 1;
        final int client = 0x0A000000 | flow;
        final int server = 0x0A630001;
        final int clientPort = 20_000 + flow;
        final PacketBuilder builder = PacketBuilder.ethernet();
        if (flow % 3 == 0)
        {
            final long clientLo = flow;
            builder.ipv6(0xFD00_0000_0000_0000L, reply ? 1 : clientLo, 0xFD00_0000_0000_0000L, reply ? clientLo : 1);
        }
        else
        {
            builder.ipv4(reply ? server : client, reply ? client : server);
        }
        return builder.udp(reply ? 53 : clientPort, reply ? clientPort : 53).payload(payload.array()).build().bytes();
    }
}
