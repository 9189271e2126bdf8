package io.spillway.probe.metrics;

import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * {@code --metrics HOST:PORT}: an HTTP server that answers {@code /metrics} with the run's counters, from before the
 * run starts until it is closed. Its own registry holds only the run's collector: a scrape shows Spillway's figures,
 * not the JVM's. The server's threads are daemons: a stuck scrape cannot keep the probe from exiting.
 */
public final class MetricsEndpoint implements AutoCloseable
{
    private final HTTPServer server;

    private MetricsEndpoint(final HTTPServer server)
    {
        this.server = server;
    }

    /**
     * Listens on {@code hostPort} (HOST:PORT, an IPv6 host in brackets; port 0 picks a free one).
     *
     * @throws IllegalArgumentException for a malformed address, an unknown host, or an address in use: usage errors
     *                                  that name the address
     */
    public static MetricsEndpoint start(final String hostPort, final MultiCollector collector)
    {
        final int colon = hostPort.lastIndexOf(':');
        if (colon <= 0 || colon == hostPort.length() - 1)
        {
            throw new IllegalArgumentException("--metrics wants HOST:PORT, e.g. 127.0.0.1:9464, not '" + hostPort +
                "'");
        }
        String host = hostPort.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]"))
        {
            host = host.substring(1, host.length() - 1);
        }
        final int port;
        try
        {
            port = Integer.parseInt(hostPort.substring(colon + 1));
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException("--metrics " + hostPort + ": the port is not a number");
        }
        if (port < 0 || port > 65535)
        {
            throw new IllegalArgumentException("--metrics " + hostPort + ": the port must be in [0, 65535]");
        }
        final PrometheusRegistry registry = new PrometheusRegistry();
        registry.register(collector);
        try
        {
            return new MetricsEndpoint(HTTPServer.builder().inetAddress(InetAddress.getByName(host)).port(port)
                .registry(registry).buildAndStart());
        }
        catch (final UnknownHostException ex)
        {
            throw new IllegalArgumentException("--metrics " + hostPort + ": unknown host '" + host + "'");
        }
        catch (final BindException ex)
        {
            throw new IllegalArgumentException("--metrics " + hostPort + ": cannot listen there (" +
                ex.getMessage() + "); is another probe or exporter using the port?");
        }
        catch (final IOException ex)
        {
            throw new IllegalArgumentException("--metrics " + hostPort + ": cannot listen there: " + ex.getMessage());
        }
    }

    /** The port it listens on (the one picked, for port 0). */
    public int port()
    {
        return server.getPort();
    }

    /** Stops answering; a scrape in progress is cut short. */
    @Override
    public void close()
    {
        server.close();
    }
}
