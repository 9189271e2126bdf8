package io.spillway.probe.metrics;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** One scrape of /metrics in the Prometheus text format, and the sums of its samples by metric name. */
record Scrape(String text)
{
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** Scrapes {@code http://127.0.0.1:port/metrics}; IOException when nothing listens there. */
    static Scrape of(final int port) throws IOException
    {
        final HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
            .timeout(Duration.ofSeconds(5)).build();
        try
        {
            final HttpResponse<String> response = CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200)
            {
                throw new IOException("HTTP " + response.statusCode() + ": " + response.body());
            }
            return new Scrape(response.body());
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IOException(ex);
        }
    }

    /** The sum of the samples of {@code name} whose labels contain every one of {@code labels} ("queue=\"0\""). */
    double sum(final String name, final String... labels)
    {
        double sum = 0;
        for (final String line : text.split("\n"))
        {
            if (line.startsWith("#") || !(line.startsWith(name + " ") || line.startsWith(name + "{")))
            {
                continue;
            }
            boolean matches = true;
            for (final String label : labels)
            {
                matches &= line.contains(label);
            }
            if (matches)
            {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    long count(final String name, final String... labels)
    {
        return Math.round(sum(name, labels));
    }
}
