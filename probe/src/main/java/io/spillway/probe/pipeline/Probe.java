package io.spillway.probe.pipeline;

import io.spillway.device.Counters;
import io.spillway.device.Device;
import io.spillway.device.DeviceCounters;
import io.spillway.device.DeviceProvider;
import io.spillway.device.DeviceSpec;
import io.spillway.exporter.FlowExporter;
import io.spillway.offload.FlowOffload;
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
 * Assembles and runs the data path: a device's receive queues -> one worker per queue -> export thread, joined only
 * by bounded SPSC rings, plus the device's own threads (a single stream's dispatcher) and, with offload, an
 * OffloadAgent thread that programs the device's flow table from the workers' deferral rings and routes its events
 * back on their result rings. The device is asked for by name ({@link DeviceProvider}): this class knows no backend.
 * {@link #run} returns when every packet the device delivered has been accounted and every flow exported.
 */
public final class Probe implements AutoCloseable
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

    private final Device device;
    private final ProbeCounters counters;
    private final int threads;
    private final QueueWorker[] workers;
    private final OffloadAgent offloadAgent;
    private final ExportAgent export;
    private volatile boolean stopped;
    private boolean ran;

    private Probe(
        final ProbeConfig config, final Device device, final List<FlowExporter> exporters,
        final ProbeCounters counters, final int threads)
    {
        this.device = device;
        this.counters = counters;
        this.threads = threads;
        final int queues = config.queues();
        final FlowOffload flowTable = config.offload() == null ? null : device.offload();
        if (config.offload() != null && flowTable == null)
        {
            throw new IllegalArgumentException("device '" + device.name() + "' has no flow table to offload to");
        }
        final RingBuffer[] recordRings = new RingBuffer[queues];
        final RingBuffer[] deferralRings = new RingBuffer[queues];
        final RingBuffer[] resultRings = new RingBuffer[queues];
        final AtomicBoolean offloadFinished = new AtomicBoolean();
        workers = new QueueWorker[queues];
        for (int q = 0; q < queues; q++)
        {
            recordRings[q] = ring(config.ringBytes());
            deferralRings[q] = flowTable != null ? ring(DEFERRAL_RING_BYTES) : null;
            resultRings[q] = flowTable != null ? ring(RESULT_RING_BYTES) : null;
            workers[q] = new QueueWorker(q, device.rxQueue(q), recordRings[q], config, idleStrategy(threads),
                deferralRings[q], resultRings[q], offloadFinished, counters.registry());
        }
        offloadAgent = flowTable == null ? null : new OffloadAgent(flowTable, deferralRings, resultRings,
            config.offload().action(), TimeUnit.MILLISECONDS.toNanos(config.timeouts().idleMs()),
            idleStrategy(threads), offloadFinished, counters.registry());
        export = new ExportAgent(recordRings, exporters, counters.registry());
    }

    /**
     * Opens the device {@code spec} describes with {@code provider} (one receive queue per worker, counters in
     * {@code counters}) and builds the pipeline around it; {@link #run} runs it. The exporters are the caller's to
     * close when opening fails; once run, the export thread closes them.
     *
     * @throws IllegalArgumentException   for a spec or config the device cannot serve
     * @throws io.spillway.device.DeviceUnavailableException when the machine does not let the device open
     */
    public static Probe open(
        final ProbeConfig config, final DeviceProvider provider, final DeviceSpec spec,
        final List<FlowExporter> exporters, final ProbeCounters counters)
    {
        if (config.offload() != null && !provider.hasFlowTable())
        {
            throw new IllegalArgumentException("device '" + provider.name() + "' has no flow table to offload to");
        }
        // Threads: the workers, the export, the device's own (a single stream's dispatcher), the offload agent.
        final int threads = config.queues() + 1 + (provider.readsStream() ? 1 : 0) + (config.offload() != null ? 1 : 0);
        final Device device = provider.open(spec.withOffload(config.offload() != null)
            .withIdle(() -> idleStrategy(threads)));
        try
        {
            if (device.queues() != config.queues())
            {
                throw new IllegalStateException("device '" + device.name() + "' opened " + device.queues() +
                    " receive queues for " + config.queues() + " workers");
            }
            return new Probe(config, device, exporters, counters, threads);
        }
        catch (final RuntimeException ex)
        {
            device.close();
            throw ex;
        }
    }

    /** Opens the device and runs it to its end (see {@link #open} and {@link #run}). */
    public static ProbeResult run(
        final ProbeConfig config, final DeviceProvider provider, final DeviceSpec spec,
        final List<FlowExporter> exporters, final ProgressListener progress, final ProbeCounters counters)
    {
        try (Probe probe = open(config, provider, spec, exporters, counters))
        {
            return probe.run(progress);
        }
    }

    /** The device the probe receives from. */
    public Device device()
    {
        return device;
    }

    /** The live figures of the run. */
    public ProbeCounters counters()
    {
        return counters;
    }

    /**
     * Stops the run, from any thread (an operator's signal): the device stops receiving, the workers count what it
     * delivered, every flow is exported and {@link #run} returns.
     */
    public void stop()
    {
        stopped = true;
        device.stop();
    }

    /**
     * Runs the pipeline until the device's input ends (or {@link #stop}) and every flow is exported; closes the
     * device. Once only.
     *
     * @throws ProbeFailure when a thread of the pipeline failed; records already exported stay exported
     */
    public ProbeResult run(final ProgressListener progress)
    {
        if (ran)
        {
            throw new IllegalStateException("a probe runs once");
        }
        ran = true;
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final List<AgentRunner> runners = new ArrayList<>();
        final long start = System.nanoTime();
        try
        {
            final Thread exportThread = start(export, failure, runners);
            for (final QueueWorker worker : workers)
            {
                start(worker, failure, runners);
            }
            if (offloadAgent != null)
            {
                start(offloadAgent, failure, runners);
            }
            for (final Agent agent : device.agents())
            {
                start(agent, failure, runners);
            }

            while (exportThread.isAlive() && failure.get() == null)
            {
                exportThread.join(PROGRESS_INTERVAL_MS);
                if (progress != null)
                {
                    progress.onProgress(counters.packetsRead(), device.bytesRead(), device.bytesTotal(),
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
            device.close();
        }
        final long elapsed = System.nanoTime() - start;

        if (failure.get() != null || !export.finished())
        {
            throw new ProbeFailure(failure.get());
        }
        return result(elapsed);
    }

    /** Closes the device when the probe was opened but never run. */
    @Override
    public void close()
    {
        if (!ran)
        {
            device.close();
        }
    }

    private ProbeResult result(final long elapsedNs)
    {
        final List<QueueStats> queueStats = new ArrayList<>(workers.length);
        for (final QueueWorker worker : workers)
        {
            final var cache = worker.cache();
            final long[] byReason = new long[8];
            for (int reason = 0; reason < byReason.length; reason++)
            {
                byReason[reason] = cache.records(reason);
            }
            final var dpi = worker.inspection();
            final WorkerCounters own = worker.counters();
            queueStats.add(new QueueStats(worker.queueIndex(), own.packets.get(), own.bytes.get(),
                cache.flowsCreated(), byReason, cache.evictions(), cache.overflowSplits(), cache.liveFlows(),
                cache.reservedBytes(), cache.bytesPerIPv4Flow(), dpi == null ? null : new DpiStats(
                dpi.flowsInspected(), dpi.detected(), dpi.guessed(), dpi.unknown(), dpi.packetsInspected(),
                dpi.notInspected(), dpi.liveStates()), own.cpuNanos.get(), cache.flowIdHits(), cache.flowIdMisses(),
                worker.offloader() == null ? null : worker.offloader().stats()));
        }
        final Counters registry = counters.registry();
        return new ProbeResult(new CaptureStats(registry), List.copyOf(queueStats), export.records(),
            export.droppedRecords(), device.problems(), elapsedNs, export.cpuNanos(), device.name(),
            DeviceCounters.stats(registry, device.summary()), offloadAgent == null ? null : offloadAgent.stats(),
            stopped);
    }

    private Thread start(final Agent agent, final AtomicReference<Throwable> failure, final List<AgentRunner> runners)
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
