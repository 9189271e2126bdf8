package io.spillway.probe.live;

import io.spillway.capture.live.NetNs;
import io.spillway.device.DeviceSpec;
import io.spillway.device.Devices;
import io.spillway.probe.pipeline.CollectingExporter;
import io.spillway.probe.pipeline.Probe;
import io.spillway.probe.pipeline.ProbeConfig;
import io.spillway.probe.pipeline.ProbeCounters;
import io.spillway.probe.pipeline.ProbeResult;
import io.spillway.probe.pipeline.ProbeRuns;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The pipeline on the {@code afpacket} device, opened inside a test namespace and run on a thread of its own, so a
 * test can send traffic, watch the live counters and stop it. The sockets are made on a thread inside the namespace
 * and stay there; the pipeline's own threads may live anywhere. Once {@link #start} returns, the sockets are open and
 * the kernel queues every frame for the workers.
 */
final class LiveProbe implements AutoCloseable
{
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    private final Probe probe;
    private final CollectingExporter exporter;
    private final CompletableFuture<ProbeResult> result = new CompletableFuture<>();

    private LiveProbe(final Probe probe, final CollectingExporter exporter)
    {
        this.probe = probe;
        this.exporter = exporter;
    }

    /** Opens the device on {@code interfaces} of {@code ns}, with the device options {@code options}, and runs. */
    static LiveProbe start(final NetNs ns, final ProbeConfig config, final List<String> interfaces,
        final Map<String, String> options)
    {
        final CollectingExporter exporter = new CollectingExporter();
        final ProbeCounters counters = new ProbeCounters(config.queues());
        DeviceSpec spec = DeviceSpec.of(config.queues(), counters.registry()).withInterfaces(interfaces);
        for (final Map.Entry<String, String> option : options.entrySet())
        {
            spec = spec.withOption(option.getKey(), option.getValue());
        }
        final DeviceSpec opened = spec;
        final Probe probe = ns.call(() -> Probe.open(config, Devices.provider("afpacket"), opened,
            List.of(exporter), counters));
        final LiveProbe live = new LiveProbe(probe, exporter);
        final Thread runner = new Thread(() ->
        {
            try
            {
                live.result.complete(probe.run(null));
            }
            catch (final Throwable ex)
            {
                live.result.completeExceptionally(ex);
            }
        }, "live-probe");
        runner.setDaemon(true);
        runner.start();
        return live;
    }

    /** Packets the workers took from the device so far. */
    long packetsRead()
    {
        return probe.counters().packetsRead();
    }

    /** Waits until the workers took exactly {@code packets}; fails on a deadline or on more. */
    void awaitPackets(final long packets, final Duration timeout)
    {
        Await.until(packets + " packets read by the workers", timeout, () ->
        {
            final long read = packetsRead();
            if (read > packets)
            {
                throw new AssertionError("the workers read " + read + " packets, more than the " + packets + " sent");
            }
            if (result.isDone())
            {
                throw new AssertionError("the probe ended after " + read + " of " + packets + " packets");
            }
            return read == packets;
        }, () -> packetsRead() + " read, " + probe.counters().deviceDrops() + " dropped by the kernel");
    }

    /** Stops capturing and waits for every flow to be exported: the run's result and records. */
    ProbeRuns.Run stop()
    {
        probe.stop();
        try
        {
            return new ProbeRuns.Run(result.get(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS), exporter.records());
        }
        catch (final TimeoutException ex)
        {
            throw new AssertionError("the probe did not end within " + STOP_TIMEOUT.toMillis() + " ms of stop()");
        }
        catch (final ExecutionException ex)
        {
            throw new AssertionError("the probe failed", ex.getCause());
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    /** Stops the run if a test left it running, and waits for it to end. */
    @Override
    public void close()
    {
        if (!result.isDone())
        {
            probe.stop();
            try
            {
                result.get(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
            catch (final Exception ex)
            {
                // The test reports its own failure; this only makes sure the run's threads and sockets are gone.
            }
        }
    }
}
