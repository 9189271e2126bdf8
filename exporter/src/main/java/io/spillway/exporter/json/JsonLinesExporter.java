package io.spillway.exporter.json;

import io.spillway.exporter.FlowExporter;
import io.spillway.exporter.FlowRecord;
import org.agrona.ErrorHandler;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes each flow record as one JSON object per line (JSON Lines) to an {@link OutputStream}.
 * <p>
 * Lines are encoded straight into one reusable buffer, which goes to the stream when it is nearly full and on
 * {@link #flush()}; nothing is allocated per record. The first {@link IOException} (disk full, closed pipe) ends
 * the output for good: it is kept for {@link #lastError()}, reported once to the error handler, and every record
 * in the failed buffer or offered afterwards is counted in {@link #droppedRecords()}. The export thread never sees
 * the exception.
 */
public final class JsonLinesExporter implements FlowExporter
{
    /** Default buffer: big enough that a busy probe writes in large chunks, small enough to flush often. */
    public static final int DEFAULT_BUFFER_CAPACITY = 64 * 1024;

    private final OutputStream out;
    private final String outputName;
    private final boolean closeOutput;
    private final ErrorHandler errorHandler;
    private final byte[] buffer;
    private int position;
    private long bufferedRecords;
    private long droppedRecords;
    private IOException lastError;
    private boolean failed;
    private boolean closed;

    /**
     * An exporter with the default buffer that reports its first write error on standard error.
     *
     * @param out         where lines go.
     * @param outputName  names the output in messages, e.g. a file path or "standard output".
     * @param closeOutput whether {@link #close()} closes {@code out}; false for standard output.
     */
    public JsonLinesExporter(final OutputStream out, final String outputName, final boolean closeOutput)
    {
        this(out, outputName, closeOutput, DEFAULT_BUFFER_CAPACITY, null);
    }

    /**
     * @param out            where lines go.
     * @param outputName     names the output in messages, e.g. a file path or "standard output".
     * @param closeOutput    whether {@link #close()} closes {@code out}; false for standard output.
     * @param bufferCapacity bytes buffered before a write, at least {@link JsonRecordEncoder#MAX_LINE_LENGTH}.
     * @param errorHandler   told of the first write error; null to print one line on standard error.
     */
    public JsonLinesExporter(
        final OutputStream out,
        final String outputName,
        final boolean closeOutput,
        final int bufferCapacity,
        final ErrorHandler errorHandler)
    {
        if (bufferCapacity < JsonRecordEncoder.MAX_LINE_LENGTH)
        {
            throw new IllegalArgumentException("bufferCapacity " + bufferCapacity + " is below one line's maximum " +
                JsonRecordEncoder.MAX_LINE_LENGTH);
        }

        this.out = out;
        this.outputName = outputName;
        this.closeOutput = closeOutput;
        this.errorHandler = null != errorHandler ? errorHandler : this::printError;
        this.buffer = new byte[bufferCapacity];
    }

    @Override
    public void onRecord(final FlowRecord record)
    {
        if (buffer.length - position < JsonRecordEncoder.MAX_LINE_LENGTH)
        {
            writeBuffer();
        }

        if (failed || closed)
        {
            droppedRecords++;
            return;
        }

        position = JsonRecordEncoder.encode(record, buffer, position);
        bufferedRecords++;
    }

    @Override
    public void flush()
    {
        writeBuffer();
        if (!failed && !closed)
        {
            try
            {
                out.flush();
            }
            catch (final IOException ex)
            {
                fail(ex);
            }
        }
    }

    /**
     * Records that will never reach the output: those in a buffer whose write failed (some of their bytes may have
     * been written), those offered after a failure, and those offered after {@link #close()}.
     */
    @Override
    public long droppedRecords()
    {
        return droppedRecords;
    }

    /** The error that ended the output, or null while it works. */
    public IOException lastError()
    {
        return lastError;
    }

    /** The name of the output given at construction, for messages. */
    public String outputName()
    {
        return outputName;
    }

    /** Flushes, then closes the stream if this exporter owns it. Records offered afterwards are dropped. */
    @Override
    public void close()
    {
        if (closed)
        {
            return;
        }

        flush();
        closed = true;
        if (closeOutput)
        {
            try
            {
                out.close();
            }
            catch (final IOException ex)
            {
                // Closing may be the first place a file system reports a failed write.
                if (!failed)
                {
                    fail(ex);
                }
            }
        }
    }

    private void writeBuffer()
    {
        if (0 == position || failed || closed)
        {
            return;
        }

        try
        {
            out.write(buffer, 0, position);
            position = 0;
            bufferedRecords = 0;
        }
        catch (final IOException ex)
        {
            fail(ex);
        }
    }

    private void fail(final IOException ex)
    {
        droppedRecords += bufferedRecords;
        bufferedRecords = 0;
        position = 0;
        lastError = ex;
        failed = true;
        errorHandler.onError(ex);
    }

    private void printError(final Throwable error)
    {
        final String reason = null != error.getMessage() ? error.getMessage() : error.toString();
        System.err.println("spillway: JSON flow export to " + outputName + " failed, further records are dropped: " +
            reason);
    }
}
