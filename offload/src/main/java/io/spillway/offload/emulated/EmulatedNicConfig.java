package io.spillway.offload.emulated;

import java.util.concurrent.TimeUnit;

/**
 * Parameters of the emulated SmartNIC, with defaults for tests. The NT200A02 figures they stand for are in
 * {@code docs/offload.md}. Mutable until given to {@link EmulatedSmartNic}, which copies what it needs.
 */
public final class EmulatedNicConfig
{
    /** 1M flows: a table tests can fill; the NT200A02 holds 140M ({@code --nic-flows}). */
    public static final int DEFAULT_FLOW_TABLE_CAPACITY = 1_000_000;
    /** One NT200A02 stream learns about 1M flows/s (3M to 3.5M over several streams). */
    public static final long DEFAULT_LEARN_RATE = 1_000_000;
    /** Under 10 microseconds per rule on the NT200A02. */
    public static final long DEFAULT_PROGRAMMING_COST_NS = TimeUnit.MICROSECONDS.toNanos(10);
    /** 0 in tests; the NT200A02 buffers about 130 ms at 100 Gbit/s ({@code --nic-buffer-delay}). */
    public static final long DEFAULT_BUFFER_DELAY_NS = 0;
    public static final int DEFAULT_HOST_RING_BYTES = 4 * 1024 * 1024;
    public static final long DEFAULT_EXPIRY_SWEEP_PERIOD_NS = TimeUnit.SECONDS.toNanos(1);

    private int flowTableCapacity = DEFAULT_FLOW_TABLE_CAPACITY;
    private long learnRateFlowsPerSecond = DEFAULT_LEARN_RATE;
    private long learnBurst = -1;
    private long programmingCostNs = DEFAULT_PROGRAMMING_COST_NS;
    private long bufferDelayNs = DEFAULT_BUFFER_DELAY_NS;
    private int queues = 1;
    private int hostRingBytes = DEFAULT_HOST_RING_BYTES;
    private int ports = 2;
    private long expirySweepPeriodNs = DEFAULT_EXPIRY_SWEEP_PERIOD_NS;
    private FaultInjection faults = FaultInjection.NONE;

    /** Flows the hardware table holds at most (at least 4). */
    public EmulatedNicConfig flowTableCapacity(final int flowTableCapacity)
    {
        this.flowTableCapacity = flowTableCapacity;
        return this;
    }

    public int flowTableCapacity()
    {
        return flowTableCapacity;
    }

    /** Nominal learns per second of device time, below 90% fill. */
    public EmulatedNicConfig learnRateFlowsPerSecond(final long learnRateFlowsPerSecond)
    {
        this.learnRateFlowsPerSecond = learnRateFlowsPerSecond;
        return this;
    }

    public long learnRateFlowsPerSecond()
    {
        return learnRateFlowsPerSecond;
    }

    /** Learns the device takes back to back without time passing; default 1 ms worth of the nominal rate. */
    public EmulatedNicConfig learnBurst(final long learnBurst)
    {
        this.learnBurst = learnBurst;
        return this;
    }

    public long learnBurst()
    {
        return learnBurst > 0 ? learnBurst : Math.max(1, learnRateFlowsPerSecond / 1000);
    }

    /** Wall-clock time each learn and unlearn costs its caller (a busy wait); 0 for none. */
    public EmulatedNicConfig programmingCostNs(final long programmingCostNs)
    {
        this.programmingCostNs = programmingCostNs;
        return this;
    }

    public long programmingCostNs()
    {
        return programmingCostNs;
    }

    /** Device time between a learn or unlearn and its effect on packets: the NIC's receive buffer. */
    public EmulatedNicConfig bufferDelayNs(final long bufferDelayNs)
    {
        this.bufferDelayNs = bufferDelayNs;
        return this;
    }

    public long bufferDelayNs()
    {
        return bufferDelayNs;
    }

    /** Receive queues (streams), each with its host ring. */
    public EmulatedNicConfig queues(final int queues)
    {
        this.queues = queues;
        return this;
    }

    public int queues()
    {
        return queues;
    }

    /** Bytes of each host ring, a power of two; a packet takes its descriptor's length + 16 bytes, rounded to 8. */
    public EmulatedNicConfig hostRingBytes(final int hostRingBytes)
    {
        this.hostRingBytes = hostRingBytes;
        return this;
    }

    public int hostRingBytes()
    {
        return hostRingBytes;
    }

    /** Ports FORWARD can transmit on: 0 to {@code ports - 1}. */
    public EmulatedNicConfig ports(final int ports)
    {
        this.ports = ports;
        return this;
    }

    public int ports()
    {
        return ports;
    }

    /** Device time in which the idle-timeout scan visits every table slot once. */
    public EmulatedNicConfig expirySweepPeriodNs(final long expirySweepPeriodNs)
    {
        this.expirySweepPeriodNs = expirySweepPeriodNs;
        return this;
    }

    public long expirySweepPeriodNs()
    {
        return expirySweepPeriodNs;
    }

    public EmulatedNicConfig faults(final FaultInjection faults)
    {
        this.faults = faults;
        return this;
    }

    public FaultInjection faults()
    {
        return faults;
    }

    @Override
    public String toString()
    {
        return "EmulatedNicConfig{flows " + flowTableCapacity + ", learn rate " + learnRateFlowsPerSecond +
            "/s (burst " + learnBurst() + "), programming cost " + programmingCostNs + " ns, buffer delay " +
            bufferDelayNs + " ns, queues " + queues + ", host ring " + hostRingBytes + " bytes, ports " + ports +
            ", sweep " + expirySweepPeriodNs + " ns, " + faults + "}";
    }
}
