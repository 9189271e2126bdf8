package io.spillway.probe.pipeline;

import io.spillway.exporter.FlowExporter;
import io.spillway.probe.capture.PacketSource;
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
import java.util.concurrent.atomic.AtomicReference;

/**
 * Assembles and runs the data path: capture thread -> one worker per queue -> export thread,
 * joined only by bounded SPSC rings. {@link #run} returns when every packet of the source has
 * been accounted and every flow exported.
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
        final int threads = queues + 2;
        final RingBuffer[] packetRings = new RingBuffer[queues];
        final RingBuffer[] recordRings = new RingBuffer[queues];
        for (int q = 0; q < queues; q++)
        {
            packetRings[q] = ring(config.ringBytes());
            recordRings[q] = ring(config.ringBytes());
        }

        final CaptureAgent capture =
            new CaptureAgent(source, packetRings, config.batchPackets(), idleStrategy(threads), counters);
        final QueueWorker[] workers = new QueueWorker[queues];
        for (int q = 0; q < queues; q++)
        {
            workers[q] = new QueueWorker(q, packetRings[q], recordRings[q], config, idleStrategy(threads));
        }
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
            queueStats.add(new QueueStats(worker.queueIndex(), worker.packetsProcessed(), cache.flowsCreated(),
                byReason, cache.evictions(), cache.overflowSplits(), cache.liveFlows(), cache.reservedBytes(),
                cache.bytesPerIPv4Flow(), dpi == null ? null : new DpiStats(dpi.flowsInspected(), dpi.detected(),
                dpi.guessed(), dpi.unknown(), dpi.packetsInspected(), dpi.notInspected(), dpi.liveStates()),
                worker.cpuNanos()));
        }
        return new ProbeResult(capture.stats(), List.copyOf(queueStats), export.records(), export.droppedRecords(),
            source.damages(), elapsed, export.cpuNanos());
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
     * from a thread with work, so an idle thread parks almost at once.
     */
    private static IdleStrategy idleStrategy(final int threads)
    {
        final boolean oversubscribed = threads > Runtime.getRuntime().availableProcessors();
        final int spins = oversubscribed ? 1 : 64;
        return new BackoffIdleStrategy(spins, spins, TimeUnit.MICROSECONDS.toNanos(1),
            TimeUnit.MILLISECONDS.toNanos(1));
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
