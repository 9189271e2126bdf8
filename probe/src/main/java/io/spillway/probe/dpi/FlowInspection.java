package io.spillway.probe.dpi;

import io.spillway.device.Counters;
import io.spillway.dpi.Classifier;
import io.spillway.dpi.Dpi;
import io.spillway.dpi.DpiStatePool;
import io.spillway.dpi.Verdict;
import io.spillway.exporter.FlowRecord;
import io.spillway.packet.FlowKey;
import io.spillway.probe.flow.FlowListener;
import io.spillway.probe.flow.FlowStage;
import io.spillway.packet.PacketDescriptor;
import io.spillway.packet.memory.OffHeapMemory;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;

/**
 * One worker's DPI: feeds each flow's first packets to its classifier until the verdict is final
 * or the packet budget is spent, then frees the flow's DPI state at once and keeps only the
 * verdict (protocol ids, detection kind, server name) in a small per-flow table.
 * <p>
 * The DPI state (704 bytes with nDPI 4.2) exists only while a flow is inspected; all tables are
 * indexed by the flow cache's slot and come from lazily committed memory, so a cache sized for
 * millions of flows costs only what is used. Layer-3-only flows (fragments without ports) are not
 * inspected. Owned by the worker's thread; nothing here allocates per packet.
 */
public final class FlowInspection implements FlowStage, FlowListener, AutoCloseable
{
    private static final int STATE = 0;              // int: DPI pool index + 1, 0 when not inspecting
    private static final int MASTER = 4;             // short
    private static final int APP = 6;                // short
    private static final int CATEGORY = 8;           // short
    private static final int DETECTION = 10;         // byte: FlowRecord.DETECTION_*
    private static final int PACKETS = 11;           // byte: packets fed to the classifier
    private static final int SERVER_NAME_LENGTH = 12; // byte
    private static final int SKIPPED = 13;           // byte: 1 when the flow will not be inspected
    private static final int VERDICT_LENGTH = 16;
    private static final int SERVER_NAME_CAPACITY = Classifier.MAX_SERVER_NAME_LENGTH;

    private static final int TCP = 6;
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;
    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT;
    private static final ValueLayout.OfByte BYTE = ValueLayout.JAVA_BYTE;

    private final Classifier classifier;
    private final DpiStatePool states;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment verdicts;
    private final MemorySegment serverNames;
    private final int maxTcpPackets;
    private final int maxOtherPackets;
    private final boolean untilDetected;
    private final UnsafeBuffer serverName = new UnsafeBuffer(0, 0);
    private final UnsafeBuffer appName = new UnsafeBuffer(ByteBuffer.allocateDirect(Classifier.MAX_APP_NAME_LENGTH));
    private final UnsafeBuffer categoryName =
        new UnsafeBuffer(ByteBuffer.allocateDirect(Classifier.MAX_CATEGORY_NAME_LENGTH));

    private final DpiCounters counters;

    /**
     * @param dpi        the loaded DPI library; this worker gets its own classifier from it
     * @param capacity   the flow cache's capacity (slots)
     * @param maxPackets packets to inspect before giving up; 0 for ndpiReader's budget (see {@link #budget})
     * @param until      whether inspection ends at nDPI's final verdict or as soon as the application is known
     * @param counters   where the worker's DPI figures are registered, {@code queue} their owner
     */
    public FlowInspection(
        final Dpi dpi, final int capacity, final int maxPackets, final DpiUntil until, final Counters counters,
        final int queue)
    {
        this.counters = new DpiCounters(counters, queue);
        this.untilDetected = until == DpiUntil.DETECTED;
        this.classifier = dpi.newClassifier();
        this.states = new DpiStatePool(classifier.flowStateSize(), capacity, OffHeapMemory::allocate);
        this.verdicts = OffHeapMemory.allocate((long)capacity * VERDICT_LENGTH, arena);
        this.serverNames = OffHeapMemory.allocate((long)capacity * SERVER_NAME_CAPACITY, arena);
        this.maxTcpPackets = maxPackets > 0 ? maxPackets : budget(TCP);
        this.maxOtherPackets = maxPackets > 0 ? maxPackets : budget(17);
    }

    /**
     * ndpiReader 4.2's budget: it counts the packets of both directions and gives up once the count
     * exceeds 80 (TCP) or 24 (others), so it dissects one packet more than that.
     */
    public static int budget(final int protocol)
    {
        return Dpi.defaultMaxPackets(protocol) + 1;
    }

    @Override
    public void onFlowCreated(final int slot)
    {
        final long base = (long)slot * VERDICT_LENGTH;
        verdicts.set(ValueLayout.JAVA_LONG, base, 0L);
        verdicts.set(ValueLayout.JAVA_LONG, base + 8, 0L);
    }

    /** The DPI stage: inspects the packet, and is done with the flow once its inspection concluded. */
    @Override
    public boolean onPacket(final int slot, final DirectBuffer descriptor, final int offset, final boolean earlierDone)
    {
        inspect(slot, descriptor, offset);
        return earlierDone && isConcluded(slot);
    }

    /** Feeds the packet at {@code offset} (a {@link PacketDescriptor}) to its flow's inspection, if still useful. */
    public void inspect(final int slot, final DirectBuffer descriptor, final int offset)
    {
        final long base = (long)slot * VERDICT_LENGTH;
        if (verdicts.get(BYTE, base + DETECTION) != FlowRecord.DETECTION_NONE ||
            verdicts.get(BYTE, base + SKIPPED) != 0)
        {
            return;
        }

        int stateIndex = verdicts.get(INT, base + STATE) - 1;
        if (stateIndex < 0)
        {
            stateIndex = start(slot, descriptor, offset);
            if (stateIndex < 0)
            {
                return;
            }
        }

        final int l3Offset = descriptor.getShort(offset + PacketDescriptor.L3_OFFSET) & 0xFFFF;
        final int captured = descriptor.getInt(offset + PacketDescriptor.CAPTURED_LENGTH) - l3Offset;
        final int ipLength = Math.min(descriptor.getInt(offset + PacketDescriptor.IP_LENGTH), captured);
        if (ipLength <= 0)
        {
            return;
        }
        final long state = states.address(stateIndex);
        final long timeMs = descriptor.getLong(offset + PacketDescriptor.TIMESTAMP_NS) / 1_000_000L;
        final int verdict = classifier.processPacket(state,
            descriptor.getLong(offset + PacketDescriptor.PACKET_ADDRESS) + l3Offset,
            Math.min(ipLength, Classifier.MAX_IP_LENGTH), timeMs);
        counters.packetsInspected.incrementOpaque();

        final int packets = (verdicts.get(BYTE, base + PACKETS) & 0xFF) + 1;
        verdicts.set(BYTE, base + PACKETS, (byte)Math.min(packets, 255));
        final int protocol = descriptor.getByte(offset + PacketDescriptor.PROTOCOL) & 0xFF;
        if (Verdict.isFinal(verdict) || (untilDetected && verdict == Verdict.DETECTED))
        {
            conclude(slot, stateIndex);
        }
        else if (packets >= (protocol == TCP ? maxTcpPackets : maxOtherPackets))
        {
            classifier.giveUp(state);
            conclude(slot, stateIndex);
        }
    }

    /**
     * Whether the flow's inspection is over: its verdict is final (classified, or given up after the packet budget),
     * or detected with {@link DpiUntil#DETECTED}, or it will not be inspected at all (layer-3 only, no DPI state
     * free). Offload waits for this.
     */
    public boolean isConcluded(final int slot)
    {
        final long base = (long)slot * VERDICT_LENGTH;
        return verdicts.get(BYTE, base + DETECTION) != FlowRecord.DETECTION_NONE ||
            verdicts.get(BYTE, base + SKIPPED) != 0;
    }

    @Override
    public void onRecord(final int slot, final FlowRecord record, final boolean ending)
    {
        final long base = (long)slot * VERDICT_LENGTH;
        final int stateIndex = verdicts.get(INT, base + STATE) - 1;
        if (ending && stateIndex >= 0)
        {
            // The flow ends while inspected: nDPI's best guess, as ndpiReader gives at the end.
            classifier.giveUp(states.address(stateIndex));
            conclude(slot, stateIndex);
        }

        final int detection = verdicts.get(BYTE, base + DETECTION);
        if (detection == FlowRecord.DETECTION_NONE)
        {
            return;
        }
        final int master = verdicts.get(SHORT, base + MASTER) & 0xFFFF;
        final int app = verdicts.get(SHORT, base + APP) & 0xFFFF;
        final int category = verdicts.get(SHORT, base + CATEGORY) & 0xFFFF;
        record.masterProtocol(master).appProtocol(app).category(category).detection(detection);
        final int appNameLength = classifier.protocolName(master, app, appName, 0);
        serverName.wrap(serverNames.address() + (long)slot * SERVER_NAME_CAPACITY, SERVER_NAME_CAPACITY);
        record.names(appName, 0, appNameLength, serverName, 0, verdicts.get(BYTE, base + SERVER_NAME_LENGTH) & 0xFF);
        record.categoryName(categoryName, 0, classifier.categoryName(category, categoryName, 0));
    }

    /** Flows whose DPI state is held right now; zero once every flow is classified or expired. */
    public int liveStates()
    {
        return states.liveStates();
    }

    public long flowsInspected()
    {
        return counters.flowsInspected.get();
    }

    public long detected()
    {
        return counters.detected.get();
    }

    public long guessed()
    {
        return counters.guessed.get();
    }

    public long unknown()
    {
        return counters.unknown.get();
    }

    public long packetsInspected()
    {
        return counters.packetsInspected.get();
    }

    /** Flows not inspected because every DPI state was in use. */
    public long notInspected()
    {
        return counters.notInspected.get();
    }

    /** Bytes of DPI state per inspected flow (the classifier's state rounded to a cache line). */
    public int stateBytes()
    {
        return states.stride();
    }

    /** Bytes per flow of the verdict and server name tables, held for every flow. */
    public static int verdictBytes()
    {
        return VERDICT_LENGTH + SERVER_NAME_CAPACITY;
    }

    @Override
    public void close()
    {
        states.close();
        classifier.close();
        arena.close();
    }

    private int start(final int slot, final DirectBuffer descriptor, final int offset)
    {
        final long base = (long)slot * VERDICT_LENGTH;
        if ((descriptor.getByte(offset + PacketDescriptor.KEY_FLAGS) & FlowKey.L3_ONLY) != 0)
        {
            verdicts.set(BYTE, base + SKIPPED, (byte)1);
            return -1;
        }
        final int stateIndex = states.allocate();
        if (stateIndex < 0)
        {
            verdicts.set(BYTE, base + SKIPPED, (byte)1);
            counters.notInspected.incrementOpaque();
            return -1;
        }
        classifier.startFlow(states.address(stateIndex));
        verdicts.set(INT, base + STATE, stateIndex + 1);
        counters.flowsInspected.incrementOpaque();
        return stateIndex;
    }

    /** Keeps the classifier's answer (final, or detected with {@link DpiUntil#DETECTED}) and frees the DPI state. */
    private void conclude(final int slot, final int stateIndex)
    {
        final long base = (long)slot * VERDICT_LENGTH;
        final int master = classifier.masterProtocol();
        final int app = classifier.appProtocol();
        final int detection;
        if (master == 0 && app == 0)
        {
            detection = FlowRecord.DETECTION_UNKNOWN;
            counters.unknown.incrementOpaque();
        }
        else if (classifier.guessed())
        {
            detection = FlowRecord.DETECTION_GUESSED;
            counters.guessed.incrementOpaque();
        }
        else
        {
            detection = FlowRecord.DETECTION_DETECTED;
            counters.detected.incrementOpaque();
        }
        verdicts.set(SHORT, base + MASTER, (short)master);
        verdicts.set(SHORT, base + APP, (short)app);
        verdicts.set(SHORT, base + CATEGORY, (short)classifier.category());
        verdicts.set(BYTE, base + DETECTION, (byte)detection);
        serverName.wrap(serverNames.address() + (long)slot * SERVER_NAME_CAPACITY, SERVER_NAME_CAPACITY);
        verdicts.set(BYTE, base + SERVER_NAME_LENGTH, (byte)classifier.serverName(serverName, 0));

        final long state = states.address(stateIndex);
        classifier.endFlow(state);
        states.release(stateIndex);
        verdicts.set(INT, base + STATE, 0);
    }
}
