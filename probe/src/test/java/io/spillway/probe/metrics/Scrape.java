package io.spillway.probe.metrics;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * One scrape of /metrics in the Prometheus text format, the sums of its samples by metric name, and Prometheus' own
 * check of it: for the probe's tests and the backends' (testbed).
 */
public record Scrape(String text)
{
    /** Debian's package prometheus installs it; the launcher's test packages include it. */
    public static final Path PROMTOOL = Path.of("/usr/bin/promtool");

    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** Scrapes {@code http://127.0.0.1:port/metrics}; IOException when nothing listens there. */
    public static Scrape of(final int port) throws IOException
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

    /**
     * Scrapes every 100 ms until {@code run} is done: the scrapes answered before it was, none before the endpoint
     * started or after it stopped.
     */
    public static List<Scrape> whileRunning(final int port, final Future<?> run) throws InterruptedException
    {
        final List<Scrape> scrapes = new ArrayList<>();
        while (!run.isDone())
        {
            try
            {
                final Scrape scrape = of(port);
                if (!run.isDone())
                {
                    scrapes.add(scrape);
                }
            }
            catch (final IOException notListening)
            {
                // Before the endpoint starts or after it stopped.
            }
            Thread.sleep(100);
        }
        return scrapes;
    }

    /** The sum of the samples of {@code name} whose labels contain every one of {@code labels} ("queue=\"0\""). */
    public double sum(final String name, final String... labels)
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

    public long count(final String name, final String... labels)
    {
        return Math.round(sum(name, labels));
    }

    /** Asserts that {@code promtool check metrics} exits 0 on the text (a scratch file goes in {@code dir}). */
    public void assertPromtoolAccepts(final Path dir) throws IOException, InterruptedException
    {
        final Path file = Files.writeString(Files.createTempFile(dir, "scrape", ".txt"), text, StandardCharsets.UTF_8);
        final Process promtool = new ProcessBuilder(PROMTOOL.toString(), "check", "metrics")
            .redirectInput(file.toFile()).redirectErrorStream(true).start();
        final String output = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, promtool.waitFor(), "promtool check metrics: " + output + "\n" + text);
    }
}
