package io.spillway.probe.pipeline;

import io.spillway.exporter.FlowExporter;
import io.spillway.offload.emulated.EmulatedNicConfig;
import io.spillway.offload.emulated.EmulatedSmartNic;
import io.spillway.device.PacketSource;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.AgentTerminationException;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Assembles and runs the data path: capture thread -> one worker per queue -> export thread,
 * joined only by bounded SPSC rings. {@link #run} returns when every packet of the source has
 * been accounted and every flow exported.
 * <p>
 * With {@link ProbeConfig#offload()}, packets go through the emulated SmartNIC (the capture thread drives its
 * receive path, each worker reads its queue's host ring), and with offload on, an OffloadAgent thread programs
 * the NIC's flow table from the workers' deferral rings and routes its events back on their result rings.
 */
public final class Probe
{
    /** Called on the caller's thread a few times per second while the probe runs. */
    @FunctionalInterface
    public interface ProgressListener
    {
        void onProgress(long packetsRead, long bytesRead, long bytesTotal, long elapsedNs);
    }

    private static final long PROGRESS_INTERVAL_MS = 250;
    /** About 4,600 learn requests: 46 ms of programming at 10 us a rule; beyond that a flow stays in software. */
    private static final int DEFERRAL_RING_BYTES = 256 * 1024;
    /** About 16,000 device events waiting for one worker. */
    private static final int RESULT_RING_BYTES = 1024 * 1024;

    private Probe()
    {
    }

    /**
     * Runs the source to its end through the pipeline.
     *
     * @throws ProbeFailure when a thread of the pipeline failed; records already exported stay exported
     */
    public static ProbeResult run(
        final ProbeConfig config, final PacketSource source, final List<FlowExporter> exporters,
        final ProgressListener progress)
    {
        return run(config, source, exporters, progress, new ProbeCounters());
    }

    /**
     * Runs the source to its end, publishing live figures in {@code counters} (for exporters that
     * report them while the probe runs).
     *
     * @throws ProbeFailure when a thread of the pipeline failed; records already exported stay exported
     */
    public static ProbeResult run(
        final ProbeConfig config, final PacketSource source, final List<FlowExporter> exporters,
        final ProgressListener progress, final ProbeCounters counters)
    {
        final int queues = config.queues();
        final OffloadConfig offload = config.offload();
        final EmulatedNicConfig nicConfig = offload == null ? null : nicConfig(offload.nic(), queues);
        final EmulatedSmartNic nic = nicConfig == null ? null : new EmulatedSmartNic(nicConfig);
        final boolean offloading = offload != null && offload.offloadFlows();
        final int threads = queues + (offloading ? 3 : 2);
        final RingBuffer[] packetRings = new RingBuffer[queues];
        final RingBuffer[] recordRings = new RingBuffer[queues];
        final RingBuffer[] deferralRings = new RingBuffer[queues];
        final RingBuffer[] resultRings = new RingBuffer[queues];
        for (int q = 0; q < queues; q++)
        {
            packetRings[q] = ring(config.ringBytes());
            recordRings[q] = ring(config.ringBytes());
            deferralRings[q] = offloading ? ring(DEFERRAL_RING_BYTES) : null;
            resultRings[q] = offloading ? ring(RESULT_RING_BYTES) : null;
        }

        final boolean waitForHostRing = offload == null || !offload.dropWhenHostRingFull();
        final CaptureAgent capture = new CaptureAgent(source, packetRings, config.batchPackets(), idleStrategy(threads),
            counters, nic, nicConfig == null ? 0 : nicConfig.hostRingBytes(), waitForHostRing);
        final AtomicBoolean offloadFinished = new AtomicBoolean();
        final QueueWorker[] workers = new QueueWorker[queues];
        for (int q = 0; q < queues; q++)
        {
            workers[q] = new QueueWorker(q, packetRings[q], recordRings[q], config, idleStrategy(threads),
                nic == null ? null : nic.hostRing(q), deferralRings[q], resultRings[q], offloadFinished);
        }
        final OffloadAgent offloadAgent = !offloading ? null : new OffloadAgent(nic, deferralRings, resultRings,
            offload.action(), TimeUnit.MILLISECONDS.toNanos(config.timeouts().idleMs()), idleStrategy(threads),
            offloadFinished);
        final ExportAgent export = new ExportAgent(recordRings, exporters);

        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final List<AgentRunner> runners = new ArrayList<>();
        final long start = System.nanoTime();
        try
        {
            final Thread exportThread = start(export, failure, runners, threads);
            for (final QueueWorker worker : workers)
            {
                start(worker, failure, runners, threads);
            }
            if (offloadAgent != null)
            {
                start(offloadAgent, failure, runners, threads);
            }
            start(capture, failure, runners, threads);

            while (exportThread.isAlive() && failure.get() == null)
            {
                exportThread.join(PROGRESS_INTERVAL_MS);
                if (progress != null)
                {
                    progress.onProgress(counters.packetsRead(), source.bytesRead(), source.bytesTotal(),
                        System.nanoTime() - start);
                }
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            failure.compareAndSet(null, ex);
        }
        finally
        {
            for (final AgentRunner runner : runners)
            {
                runner.close();
            }
            if (nic != null)
            {
                // Every thread has stopped: the agent closed the device already, unless it never ran.
                nic.close();
            }
        }
        final long elapsed = System.nanoTime() - start;

        if (failure.get() != null || !export.finished())
        {
            throw new ProbeFailure(failure.get());
        }

        final List<QueueStats> queueStats = new ArrayList<>(queues);
        for (final QueueWorker worker : workers)
        {
            final var cache = worker.cache();
            final long[] byReason = new long[8];
            for (int reason = 0; reason < byReason.length; reason++)
            {
                byReason[reason] = cache.records(reason);
            }
            final var dpi = worker.inspection();
            queueStats.add(new QueueStats(worker.queueIndex(), worker.packetsProcessed(), worker.bytesProcessed(),
                cache.flowsCreated(), byReason, cache.evictions(), cache.overflowSplits(), cache.liveFlows(),
                cache.reservedBytes(), cache.bytesPerIPv4Flow(), dpi == null ? null : new DpiStats(
                dpi.flowsInspected(), dpi.detected(), dpi.guessed(), dpi.unknown(), dpi.packetsInspected(),
                dpi.notInspected(), dpi.liveStates()), worker.cpuNanos(), cache.flowIdHits(), cache.flowIdMisses(),
                worker.offloader() == null ? null : worker.offloader().stats()));
        }
        return new ProbeResult(capture.stats(), List.copyOf(queueStats), export.records(), export.droppedRecords(),
            source.damages(), elapsed, export.cpuNanos(), nic == null ? null : NicStats.of(nic.counters()),
            offloadAgent == null ? null : offloadAgent.stats());
    }

    /** A copy of the NIC's model with one receive queue per worker (the caller's stays as it was). */
    private static EmulatedNicConfig nicConfig(final EmulatedNicConfig model, final int queues)
    {
        return new EmulatedNicConfig()
            .flowTableCapacity(model.flowTableCapacity())
            .learnRateFlowsPerSecond(model.learnRateFlowsPerSecond())
            .learnBurst(model.learnBurst())
            .programmingCostNs(model.programmingCostNs())
            .bufferDelayNs(model.bufferDelayNs())
            .hostRingBytes(model.hostRingBytes())
            .ports(model.ports())
            .expirySweepPeriodNs(model.expirySweepPeriodNs())
            .faults(model.faults())
            .queues(queues);
    }

    private static Thread start(
        final Agent agent, final AtomicReference<Throwable> failure, final List<AgentRunner> runners,
        final int threads)
    {
        // AgentRunner reports an agent's normal end (AgentTerminationException) to the error handler too.
        final AgentRunner runner = new AgentRunner(idleStrategy(threads), ex ->
        {
            if (!(ex instanceof AgentTerminationException))
            {
                failure.compareAndSet(null, ex);
            }
        }, null, agent);
        runners.add(runner);
        return AgentRunner.startOnThread(runner);
    }

    private static RingBuffer ring(final int capacity)
    {
        return new OneToOneRingBuffer(new UnsafeBuffer(
            ByteBuffer.allocateDirect(capacity + RingBufferDescriptor.TRAILER_LENGTH)));
    }

    /**
     * Spin, then yield, then park up to 1 ms: responsive under load, near zero CPU when idle. When the
     * pipeline has more threads than the machine has cores, spinning and yielding only take the CPU
     * from a thread with work, so an idle thread parks at once, and for at least 20 us: the rings are
     * deep, and fewer wake-ups let work arrive in batches.
     */
    private static IdleStrategy idleStrategy(final int threads)
    {
        if (threads > Runtime.getRuntime().availableProcessors())
        {
            // Waking up costs a system call: sleeping at least 20 us lets a trickle of work batch up.
            return new BackoffIdleStrategy(1, 1, TimeUnit.MICROSECONDS.toNanos(20), TimeUnit.MILLISECONDS.toNanos(1));
        }
        return new BackoffIdleStrategy(64, 64, TimeUnit.MICROSECONDS.toNanos(1), TimeUnit.MILLISECONDS.toNanos(1));
    }

    /** A pipeline thread failed. */
    public static final class ProbeFailure extends RuntimeException
    {
        private static final long serialVersionUID = 1L;

        ProbeFailure(final Throwable cause)
        {
            super(cause == null ? "the probe stopped before exporting every flow" : String.valueOf(cause), cause);
        }
    }
}
