package io.spillway.capture.afpacket;

import io.spillway.device.Counters;
import io.spillway.device.Device;
import io.spillway.device.DeviceSpec;
import io.spillway.device.InputProblem;
import io.spillway.device.RxQueue;
import io.spillway.packet.FlowKey;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Backend {@value #NAME}: live capture with AF_PACKET TPACKET_V3 rings, one per worker and interface, the workers'
 * sockets of an interface in one fanout group, so the kernel spreads the interface's frames over the workers
 * ({@link FanoutMode#HASH}, the default, keeps both directions of a flow on one worker) and no capture thread
 * stands between the wire and the workers. Several interfaces are several ports: a packet's input port is its
 * interface's place in the spec.
 * <p>
 * An interface that goes down is reported and waited for: the kernel resumes delivery when it is up again. One that
 * is removed ends its port, and the run ends when every port has ended ({@link #problems()} says which). The
 * kernel's drops (a ring full because the worker was behind) are counted per queue and interface.
 */
public final class AfPacketDevice implements Device
{
    public static final String NAME = "afpacket";

    private final AfPacketSocket[][] sockets;
    private final AfPacketRxQueue[] queues;
    private final Counters counters;
    private final List<String> interfaces;
    private final Map<String, LinkState> reported = new HashMap<>();
    private final List<InputProblem> problems = new ArrayList<>();
    private volatile boolean stopped;

    private AfPacketDevice(final AfPacketSocket[][] sockets, final DeviceSpec spec)
    {
        this.sockets = sockets;
        this.counters = spec.counters();
        this.interfaces = spec.interfaces();
        queues = new AfPacketRxQueue[sockets.length];
        for (int q = 0; q < sockets.length; q++)
        {
            queues[q] = new AfPacketRxQueue(this, q, sockets[q], counters);
        }
    }

    /**
     * Opens a socket per queue on every interface of the spec, joined in a fanout group per interface.
     *
     * @throws IllegalArgumentException   for a spec without interfaces or with too many
     * @throws CaptureUnavailableException naming the interface, when it is missing, the process may not capture
     *                                     on it (CAP_NET_RAW), or the kernel refuses the ring
     */
    public static AfPacketDevice open(final DeviceSpec spec, final AfPacketConfig settings)
    {
        final List<String> names = spec.interfaces();
        if (names.isEmpty())
        {
            throw new IllegalArgumentException("device '" + NAME + "' captures live interfaces: give -i IFACE");
        }
        if (names.size() > FlowKey.MAX_INTERFACE + 1)
        {
            throw new IllegalArgumentException("at most " + (FlowKey.MAX_INTERFACE + 1) + " interfaces, not " +
                names.size());
        }
        if (names.stream().distinct().count() != names.size())
        {
            throw new IllegalArgumentException("an interface is given twice: " + names);
        }
        final AfPacketSocket[][] sockets = new AfPacketSocket[spec.queues()][names.size()];
        try
        {
            for (int p = 0; p < names.size(); p++)
            {
                final AfPacketConfig config = settings.toBuilder().interfaceName(names.get(p)).fanoutGroupId(0).build();
                sockets[0][p] = AfPacketSocket.open(config);
                final AfPacketConfig joining = config.withFanoutGroupId(sockets[0][p].fanoutGroupId());
                for (int q = 1; q < spec.queues(); q++)
                {
                    sockets[q][p] = AfPacketSocket.open(joining);
                }
            }
        }
        catch (final RuntimeException ex)
        {
            closeAll(sockets);
            throw ex;
        }
        return new AfPacketDevice(sockets, spec);
    }

    @Override
    public String name()
    {
        return NAME;
    }

    @Override
    public int queues()
    {
        return queues.length;
    }

    @Override
    public RxQueue rxQueue(final int queue)
    {
        return queues[queue];
    }

    @Override
    public void stop()
    {
        stopped = true;
    }

    boolean isStopped()
    {
        return stopped;
    }

    /** A queue found an interface in a new state: tell the operator once per interface and state. */
    synchronized void onLinkState(final int queue, final String name, final LinkState state)
    {
        if (reported.put(name, state) == state)
        {
            return;
        }
        switch (state)
        {
            case DOWN -> System.err.println("spillway: interface " + name + " went down; capture resumes when it " +
                "is up again (flows keep expiring meanwhile)");
            case OK -> System.err.println("spillway: interface " + name + " is up again");
            case REMOVED ->
            {
                System.err.println("spillway: interface " + name + " was removed: capture on it ended");
                problems.add(InputProblem.interfaceLost("interface " + name + " was removed during the run"));
            }
            default ->
            {
            }
        }
    }

    /** What the kernel counted, as the queues last read it (the sockets may be closed by now). */
    @Override
    public String summary()
    {
        final StringBuilder text = new StringBuilder(NAME + ":");
        for (int p = 0; p < interfaces.size(); p++)
        {
            long received = 0;
            long dropped = 0;
            long freezes = 0;
            final StringBuilder perQueue = new StringBuilder();
            for (final AfPacketRxQueue queue : queues)
            {
                final long drops = queue.kernelDrops(p);
                received += queue.kernelPackets(p) - drops;
                dropped += drops;
                freezes += queue.freezes(p);
                perQueue.append(perQueue.isEmpty() ? "" : ", ").append(String.format(Locale.ROOT, "%,d", drops));
            }
            text.append(p == 0 ? " " : "; ").append(interfaces.get(p)).append(String.format(Locale.ROOT,
                " %,d packets received, %,d dropped by the kernel (per queue %s), %,d ring freezes", received, dropped,
                perQueue, freezes));
        }
        return text.toString();
    }

    @Override
    public synchronized List<InputProblem> problems()
    {
        return List.copyOf(problems);
    }

    @Override
    public void close()
    {
        closeAll(sockets);
    }

    private static void closeAll(final AfPacketSocket[][] sockets)
    {
        for (final AfPacketSocket[] queueSockets : sockets)
        {
            for (final AfPacketSocket socket : queueSockets)
            {
                if (socket != null)
                {
                    socket.close();
                }
            }
        }
    }
}
