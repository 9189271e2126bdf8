package io.spillway.testbed.ab;

import io.spillway.testbed.generator.GenerationReport;
import io.spillway.testbed.generator.GeneratorSpec;
import io.spillway.testbed.source.GeneratedFrames;

/**
 * What the generator produced for one flow count, against what was asked: the report shows both, since a cell means
 * little if its traffic was not the traffic requested.
 *
 * @param memoryBytes the in-memory frames the cells replayed
 */
record GeneratedTraffic(GeneratorSpec spec, GenerationReport report, long memoryBytes, long generationNs)
{
    static GeneratedTraffic of(final GeneratorSpec spec, final GeneratedFrames frames)
    {
        return new GeneratedTraffic(spec, frames.report(), frames.usedBytes(), frames.generationNanos());
    }

    /** Packets per second of capture time, from the first to the last timestamp. */
    double packetsPerSecond()
    {
        return report.durationNanos() > 0 ? (report.packets() - 1) * 1e9 / report.durationNanos() : 0;
    }
}
