package io.spillway.capture.afpacket;

/** Receives the frames of one ring block from {@link AfPacketSocket#receiveBlock}. */
public interface FrameHandler
{
    /**
     * @param address        native address of the first byte of the link-layer frame inside the ring; valid until
     *                       {@link #onBlockEnd} returns, when the block goes back to the kernel
     * @param capturedLength bytes available at {@code address}, at most the configured snap length
     * @param wireLength     length of the frame on the wire (at least capturedLength)
     * @param timestampNs    the kernel's receive time, nanoseconds since the Unix epoch
     */
    void onFrame(long address, int capturedLength, int wireLength, long timestampNs);

    /** Called after the last frame of a block, before the block goes back to the kernel. */
    void onBlockEnd();
}
