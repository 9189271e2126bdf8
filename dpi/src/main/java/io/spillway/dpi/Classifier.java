package io.spillway.dpi;

import org.agrona.MutableDirectBuffer;

/**
 * One worker's DPI engine: classifies flows from their first packets, then forgets them.
 * <p>
 * Not thread-safe: each worker thread owns its classifier (nDPI modules are not shared). Per-flow
 * state lives in memory the caller owns (a {@link DpiStatePool} block of {@link #flowStateSize()}
 * bytes, 8-byte aligned), so a flow costs DPI memory only while it is inspected:
 * <pre>
 *   startFlow(state)                                       when the flow enters INSPECTING
 *   processPacket(state, ip, length, ms) per packet        until the verdict is final or a packet budget
 *   giveUp(state)                                          when the budget ends or the flow expires first
 *   read the result (protocols, names), endFlow(state)     then release the block to the pool
 * </pre>
 * The result accessors describe the last {@code processPacket} or {@code giveUp} call, whatever the
 * flow. Names are copied into the caller's buffer without allocation; they are filled once the
 * verdict is not {@link Verdict#INSPECTING} and empty before.
 * <p>
 * Arguments are checked before any native call: addresses non-zero, state addresses 8-byte aligned,
 * {@code 0 < ipLength <= 65535}. The classifier cannot check that {@code ipLength} bytes are
 * readable at the packet address: the caller validates the length against the captured bytes.
 * After {@link #close()} every method throws {@link IllegalStateException}.
 */
public interface Classifier extends AutoCloseable
{
    /** Largest IP packet a classifier accepts (nDPI takes an unsigned 16-bit length). */
    int MAX_IP_LENGTH = 65_535;
    /** Room {@link #appName} and {@link #protocolName} may need in the destination buffer. */
    int MAX_APP_NAME_LENGTH = NdpiNative.MAX_APP_NAME_LENGTH;
    /** Room {@link #serverName} may need in the destination buffer. */
    int MAX_SERVER_NAME_LENGTH = NdpiNative.MAX_SERVER_NAME_LENGTH;
    /** Room {@link #categoryName} may need in the destination buffer. */
    int MAX_CATEGORY_NAME_LENGTH = NdpiNative.MAX_SCRATCH_NAME_LENGTH;

    /**
     * Bytes of per-flow state: for nDPI 4.2 on x86-64, its 688-byte flow and 16 bytes where the glue keeps
     * the final answer, 704 in all.
     */
    int flowStateSize();

    /** Initialises the state at {@code stateAddress} for a new flow (any previous content is dropped). */
    void startFlow(long stateAddress);

    /**
     * Dissects one packet of the flow, either direction. Once the flow's verdict is final, further calls
     * (and {@link #giveUp}) only report the same result again.
     *
     * @param ipPacketAddress the IP header's first byte (IPv4 or IPv6), off-heap
     * @param ipLength        bytes from the IP header to the end of the captured packet
     * @param timeMs          the packet's time in epoch milliseconds
     * @return a {@link Verdict} constant
     */
    int processPacket(long stateAddress, long ipPacketAddress, int ipLength, long timeMs);

    /**
     * Ends inspection without a final verdict: keeps a detection already made ({@link Verdict#CLASSIFIED}),
     * otherwise asks for a guess by port and address ({@link Verdict#GAVE_UP}, see {@link #guessed()}).
     *
     * @return the final {@link Verdict}
     */
    int giveUp(long stateAddress);

    /** Frees what the DPI library allocated for the flow; the state's memory can then be recycled. */
    void endFlow(long stateAddress);

    /** Verdict of the last call. */
    int verdict();

    /** Protocol carrying the application (e.g. TLS for TLS.YouTube), 0 when none. */
    int masterProtocol();

    /** Application protocol (e.g. YouTube), 0 (unknown) until detected or guessed. */
    int appProtocol();

    /** Application category id. */
    int category();

    /** True when the last {@link #giveUp} answer is a guess rather than a detection. */
    boolean guessed();

    /** Copies the application name (e.g. "TLS.YouTube") to {@code buffer} at {@code index}; returns its length. */
    int appName(MutableDirectBuffer buffer, int index);

    /** Copies the server name (TLS/QUIC SNI, HTTP Host, DNS query) to {@code buffer}; returns its length (0: none). */
    int serverName(MutableDirectBuffer buffer, int index);

    /** Copies the name of a protocol pair (e.g. 91, 124 gives "TLS.YouTube"); returns its length. */
    int protocolName(int masterProtocol, int appProtocol, MutableDirectBuffer buffer, int index);

    /** Copies the name of a category id; returns its length (0 for an id the library does not know). */
    int categoryName(int category, MutableDirectBuffer buffer, int index);

    /** Releases the DPI engine. End every flow first: states still inspecting keep their allocations. */
    @Override
    void close();
}
