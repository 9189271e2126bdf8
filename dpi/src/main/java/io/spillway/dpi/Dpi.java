package io.spillway.dpi;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;

/**
 * The nDPI binding, loaded once per process: the JNI glue packaged in this jar, linked against the
 * system's nDPI 4.2 ({@code libndpi.so.4.2}).
 * <p>
 * {@link #load()} extracts the glue to a private temporary file, loads it and checks the nDPI found
 * at run time. Every problem (no glue for this platform, nDPI missing, too old, or not the one the
 * glue was built against) becomes a {@link DpiUnavailableException} whose message says what to
 * install, never a JVM crash, so the probe can print it and run with {@code --no-dpi}.
 */
public final class Dpi
{
    /** Packets of a TCP flow ndpiReader 4.2 dissects before giving up ({@code -T}, default 80). */
    public static final int DEFAULT_MAX_TCP_PACKETS = 80;
    /** Packets of a UDP flow ndpiReader 4.2 dissects before giving up ({@code -U}, default 24). */
    public static final int DEFAULT_MAX_UDP_PACKETS = 24;

    static final String LIBRARY_FILE = "libspillway-ndpi.so";
    static final String INSTALL_HINT = "install nDPI 4.2 with 'apt-get install libndpi-bin' " +
        "(or libndpi-dev to build Spillway), or run with --no-dpi";
    private static final int MINIMUM_MAJOR = 4;
    private static final int MINIMUM_MINOR = 2;
    private static final int TCP = 6;
    private static final int REVISION_CAPACITY = 64;

    private static Dpi loaded;

    private final String version;
    private final int ndpiFlowSize;
    private final int flowStateSize;

    private Dpi(final String version, final int ndpiFlowSize, final int flowStateSize)
    {
        this.version = version;
        this.ndpiFlowSize = ndpiFlowSize;
        this.flowStateSize = flowStateSize;
    }

    /** Loads the glue packaged in this jar (once per process; later calls return the same binding). */
    public static synchronized Dpi load() throws DpiUnavailableException
    {
        if (loaded == null)
        {
            loaded = loadPackaged();
        }
        return loaded;
    }

    /**
     * Loads the glue from a file instead of the jar (a development build, a test). The process keeps
     * the first binding that loaded: after a success this only checks that {@code library} exists.
     */
    public static synchronized Dpi load(final Path library) throws DpiUnavailableException
    {
        if (!Files.isRegularFile(library))
        {
            throw new DpiUnavailableException("the nDPI glue library " + library + " does not exist; " + INSTALL_HINT);
        }
        if (loaded == null)
        {
            loaded = loadFile(library);
        }
        return loaded;
    }

    /** The packets ndpiReader 4.2 dissects before giving up, by IP protocol (UDP's budget for non-TCP). */
    public static int defaultMaxPackets(final int ipProtocol)
    {
        return ipProtocol == TCP ? DEFAULT_MAX_TCP_PACKETS : DEFAULT_MAX_UDP_PACKETS;
    }

    /** nDPI's release, as the library reports it (e.g. "4.2.0"). */
    public String version()
    {
        return version;
    }

    /** {@code sizeof(struct ndpi_flow_struct)} as the library reports it: 688 bytes for nDPI 4.2 on x86-64. */
    public int ndpiFlowSize()
    {
        return ndpiFlowSize;
    }

    /** Bytes of per-flow state a classifier needs (nDPI's flow and the glue's final answer): a pool's block size. */
    public int flowStateSize()
    {
        return flowStateSize;
    }

    /**
     * Bytes nDPI holds on the C heap now: its detection modules' tables and what dissectors allocate per flow (TLS
     * reassembly buffers, HTTP URLs, names), beyond the flow states the Java side pools. Counted by the glue.
     */
    public long nativeHeapBytes()
    {
        return NdpiNative.heapBytes();
    }

    /** The most {@link #nativeHeapBytes()} has been since the library loaded or the last reset. */
    public long nativeHeapPeakBytes()
    {
        return NdpiNative.heapPeakBytes();
    }

    /** Starts a new peak from the bytes held now. */
    public void resetNativeHeapPeak()
    {
        NdpiNative.resetHeapPeak();
    }

    /** A new detection engine for one worker thread. */
    public NdpiClassifier newClassifier()
    {
        return new NdpiClassifier(flowStateSize);
    }

    private static Dpi loadPackaged() throws DpiUnavailableException
    {
        final String resource = "/native/" + platform() + "/" + LIBRARY_FILE;
        try (InputStream in = Dpi.class.getResourceAsStream(resource))
        {
            if (in == null)
            {
                throw new DpiUnavailableException("the spillway-dpi jar has no nDPI glue for " + platform() +
                    " (" + resource + "): build Spillway on this platform with libndpi-dev and gcc installed, " +
                    "or run with --no-dpi");
            }
            // createTempFile makes an owner-only file; it is deleted once loaded (the mapping stays).
            final Path file = Files.createTempFile("spillway-ndpi-", ".so");
            try
            {
                Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
                return loadFile(file);
            }
            finally
            {
                Files.deleteIfExists(file);
            }
        }
        catch (final IOException ex)
        {
            throw new DpiUnavailableException("cannot extract the nDPI glue " + resource + ": " + ex.getMessage(), ex);
        }
    }

    @SuppressWarnings("restricted") // Loading the JNI glue is this class's purpose.
    private static Dpi loadFile(final Path library) throws DpiUnavailableException
    {
        try
        {
            System.load(library.toAbsolutePath().toString());
        }
        catch (final UnsatisfiedLinkError ex)
        {
            // Typically "libndpi.so.4.2: cannot open shared object file" when nDPI is not installed.
            throw new DpiUnavailableException(
                "cannot load the nDPI glue: " + ex.getMessage() + "; " + INSTALL_HINT, ex);
        }
        catch (final IllegalCallerException ex)
        {
            throw new DpiUnavailableException("native access is denied to the nDPI binding: " +
                "run java with --enable-native-access=ALL-UNNAMED, or run with --no-dpi", ex);
        }

        try
        {
            final String version = revision();
            final int ndpiFlowSize = NdpiNative.ndpiFlowSize();
            checkVersion(version, NdpiNative.apiVersion(), NdpiNative.compiledApiVersion(),
                ndpiFlowSize, NdpiNative.compiledNdpiFlowSize());
            return new Dpi(version, ndpiFlowSize, NdpiNative.flowStateSize());
        }
        catch (final UnsatisfiedLinkError ex)
        {
            throw new DpiUnavailableException(
                library + " is not the Spillway nDPI glue (it lacks " + ex.getMessage() + ")", ex);
        }
    }

    /**
     * Refuses an nDPI older than 4.2, or one whose API or flow layout differs from the headers the glue
     * was compiled against (its flow offsets and signatures would be wrong).
     */
    static void checkVersion(
        final String version,
        final int apiVersion,
        final int compiledApiVersion,
        final int ndpiFlowSize,
        final int compiledNdpiFlowSize) throws DpiUnavailableException
    {
        final int[] majorMinor = parseMajorMinor(version);
        if (majorMinor == null)
        {
            throw new DpiUnavailableException("cannot read the nDPI version '" + version + "'; " + INSTALL_HINT);
        }
        if (majorMinor[0] < MINIMUM_MAJOR || (majorMinor[0] == MINIMUM_MAJOR && majorMinor[1] < MINIMUM_MINOR))
        {
            throw new DpiUnavailableException("nDPI " + version + " is too old, Spillway needs " + MINIMUM_MAJOR +
                "." + MINIMUM_MINOR + " or newer; " + INSTALL_HINT);
        }
        if (apiVersion != compiledApiVersion || ndpiFlowSize != compiledNdpiFlowSize)
        {
            throw new DpiUnavailableException("nDPI " + version + " (API " + apiVersion + ", flow " + ndpiFlowSize +
                " bytes) is not the nDPI the glue was built against (API " + compiledApiVersion + ", flow " +
                compiledNdpiFlowSize + " bytes): rebuild Spillway with the installed libndpi-dev, or " + INSTALL_HINT);
        }
    }

    /** "4.2.0", "4.3.0-3456-abcdef" give {4, 2} and {4, 3}; anything else null. */
    static int[] parseMajorMinor(final String version)
    {
        final String[] parts = version.split("[.-]", 3);
        if (parts.length < 2)
        {
            return null;
        }
        try
        {
            return new int[]{ Integer.parseInt(parts[0]), Integer.parseInt(parts[1]) };
        }
        catch (final NumberFormatException ex)
        {
            return null;
        }
    }

    static String platform()
    {
        final String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        final String arch = System.getProperty("os.arch", "");
        final String normalisedArch = "amd64".equals(arch) ? "x86_64" : arch;
        return (os.startsWith("linux") ? "linux" : os.replace(' ', '_')) + "-" + normalisedArch;
    }

    private static String revision()
    {
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment buffer = arena.allocate(REVISION_CAPACITY);
            final int length = NdpiNative.revision(buffer.address(), REVISION_CAPACITY);
            final byte[] bytes = new byte[length];
            MemorySegment.copy(buffer, 0, MemorySegment.ofArray(bytes), 0, length);
            return new String(bytes, StandardCharsets.US_ASCII);
        }
    }
}
