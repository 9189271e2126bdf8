package io.spillway.dpi;

/**
 * The JNI contract with {@code native/ndpi/spillway_ndpi.c}: native methods taking primitive
 * arguments only (addresses as {@code long}), and the layout of the result block the glue writes.
 * <p>
 * javac writes this class's JNI header, constants included, and the C side includes it and
 * static-asserts its struct offsets against the constants below, so the two cannot drift apart
 * silently. Nothing here validates arguments: {@link NdpiClassifier} does, before every call.
 */
final class NdpiNative
{
    // Result block, native byte order, written by the glue after every per-flow call.
    static final int RESULT_VERDICT_OFFSET = 0;               // int: a Verdict constant
    static final int RESULT_MASTER_PROTOCOL_OFFSET = 4;       // u16: e.g. TLS
    static final int RESULT_APP_PROTOCOL_OFFSET = 6;          // u16: e.g. YouTube
    static final int RESULT_CATEGORY_OFFSET = 8;              // int: nDPI category id
    static final int RESULT_GUESSED_OFFSET = 12;              // int: 1 when the protocol is a guess
    static final int RESULT_APP_NAME_LENGTH_OFFSET = 16;      // int
    static final int RESULT_SERVER_NAME_LENGTH_OFFSET = 20;   // int
    static final int RESULT_SCRATCH_NAME_LENGTH_OFFSET = 24;  // int: length written by a name lookup
    static final int RESULT_APP_NAME_OFFSET = 32;             // ASCII, not terminated
    static final int RESULT_SERVER_NAME_OFFSET = 96;          // ASCII, not terminated
    static final int RESULT_SCRATCH_NAME_OFFSET = 176;        // ASCII, not terminated
    static final int RESULT_LENGTH = 256;

    static final int MAX_APP_NAME_LENGTH = 64;
    /** nDPI 4.2 keeps host names in {@code char host_server_name[80]}, terminator included. */
    static final int MAX_SERVER_NAME_LENGTH = 80;
    static final int MAX_SCRATCH_NAME_LENGTH = 64;

    static final int VERDICT_INSPECTING = Verdict.INSPECTING;
    static final int VERDICT_DETECTED = Verdict.DETECTED;
    static final int VERDICT_CLASSIFIED = Verdict.CLASSIFIED;
    static final int VERDICT_GAVE_UP = Verdict.GAVE_UP;

    private NdpiNative()
    {
    }

    /** Copies {@code ndpi_revision()} (e.g. "4.2.0") to {@code address}; returns its length. */
    static native int revision(long address, int capacity);

    /** {@code ndpi_get_api_version()} of the library loaded at run time. */
    static native int apiVersion();

    /** {@code NDPI_API_VERSION} of the headers the glue was compiled against. */
    static native int compiledApiVersion();

    /** {@code ndpi_detection_get_sizeof_ndpi_flow_struct()}: what the library writes per flow. */
    static native int ndpiFlowSize();

    /** {@code sizeof(struct ndpi_flow_struct)} in the headers the glue was compiled against. */
    static native int compiledNdpiFlowSize();

    /** Bytes of per-flow state the glue needs: nDPI's flow and the final answer kept after it. */
    static native int flowStateSize();

    /** A detection module with every protocol enabled, or 0 when nDPI cannot allocate one. */
    static native long open(long resultAddress);

    static native void close(long handle);

    static native void startFlow(long flowAddress);

    static native int processPacket(long handle, long flowAddress, long packetAddress, int length, long timeMs);

    static native int giveUp(long handle, long flowAddress);

    static native void endFlow(long flowAddress);

    /** Writes the "MASTER.APP" name to the scratch area; returns its length. */
    static native int protocolName(long handle, int masterProtocol, int appProtocol);

    /** Writes the category name to the scratch area; returns its length (0 for an invalid id). */
    static native int categoryName(long handle, int category);

    /** Bytes nDPI holds on the C heap now, over all modules and flows (malloc's usable size). */
    static native long heapBytes();

    /** The most {@link #heapBytes()} has been since load or the last {@link #resetHeapPeak()}. */
    static native long heapPeakBytes();

    static native void resetHeapPeak();
}
