package io.spillway.capture.file;

import io.spillway.device.DeviceSpec;
import io.spillway.device.PacketSource;

/** The single stream a spec names: the caller's source, or its capture files, paced when a replay speed is set. */
public final class CaptureInput
{
    private CaptureInput()
    {
    }

    /**
     * @throws CaptureFileException     when a file cannot be opened
     * @throws IllegalArgumentException when the spec names no stream, or a bad replay speed
     */
    public static PacketSource open(final DeviceSpec spec)
    {
        if (spec.source() == null && spec.files().isEmpty())
        {
            throw new IllegalArgumentException("no capture file to read (-r FILE)");
        }
        if (spec.replaySpeed() != 0)
        {
            PacedSource.validSpeed(spec.replaySpeed());
        }
        final PacketSource stream = spec.source() != null ? spec.source() : CaptureFiles.open(spec.files());
        return spec.replaySpeed() == 0 ? stream : new PacedSource(stream, spec.replaySpeed());
    }
}
