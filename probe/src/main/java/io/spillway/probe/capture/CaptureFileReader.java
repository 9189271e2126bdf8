package io.spillway.probe.capture;

/**
 * Reads the packets of one memory-mapped capture file, in file order, on the capture thread. Reading stops at the
 * end of the file or at the first damage, whichever comes first.
 */
interface CaptureFileReader
{
    /**
     * Delivers up to {@code limit} packets to the handler.
     *
     * @return the number of packets delivered; fewer than {@code limit} only when the reader has finished.
     */
    int read(PacketHandler handler, int limit);

    /** True once the end of the file or damage was reached: {@link #read} will deliver nothing more. */
    boolean isFinished();

    /** Offset of the first byte not consumed yet. */
    long position();

    /** The damage that stopped reading, or null when the file was read whole (or not finished yet). */
    CaptureDamage damage();
}
