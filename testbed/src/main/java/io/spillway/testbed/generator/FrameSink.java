package io.spillway.testbed.generator;

import io.spillway.capture.file.PcapWriter;

import java.nio.ByteBuffer;

/** Receives the frames of a {@link TrafficGenerator}, one at a time, in timestamp order. */
@FunctionalInterface
public interface FrameSink
{
    /**
     * @param timestampNanos capture time, nanoseconds since the Unix epoch.
     * @param frame          holds the frame in bytes [0, length), read with absolute gets; the generator reuses
     *                       the same buffer for every frame, so copy what must outlive the call.
     * @param length         bytes of the frame, captured and on the wire.
     */
    void onFrame(long timestampNanos, ByteBuffer frame, int length);

    /** A sink that appends every frame to a pcap file. */
    static FrameSink writingTo(final PcapWriter writer)
    {
        return (timestampNanos, frame, length) -> writer.write(timestampNanos, frame, length, length);
    }
}
