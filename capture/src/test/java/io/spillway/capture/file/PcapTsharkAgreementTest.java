package io.spillway.capture.file;

import io.spillway.device.PacketSource;
import io.spillway.capture.reference.Tshark;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every real capture reads exactly as tshark reads it: same packets, lengths, timestamps and link types. */
class PcapTsharkAgreementTest
{
    /** The README of the directory lists 74 captures; fewer means the tests are looking in the wrong place. */
    private static final int EXPECTED_CAPTURES = 74;

    @TestFactory
    Stream<DynamicTest> everyRealCaptureReadsAsTsharkReadsIt() throws IOException
    {
        final List<Path> captures = realCaptures();
        assertTrue(captures.size() >= EXPECTED_CAPTURES, "found only " + captures.size() + " captures");
        return captures.stream().map(file -> DynamicTest.dynamicTest(file.getFileName().toString(),
            () -> assertSameAsTshark(file)));
    }

    static List<Path> realCaptures() throws IOException
    {
        final String directory = System.getProperty("spillway.pcaps");
        assertNotNull(directory, "system property spillway.pcaps is not set (surefire sets it)");
        try (Stream<Path> files = Files.list(Path.of(directory)))
        {
            return files
                .filter(file -> file.toString().endsWith(".pcap") || file.toString().endsWith(".pcapng") ||
                    file.toString().endsWith(".cap"))
                .sorted()
                .toList();
        }
    }

    private static void assertSameAsTshark(final Path file)
    {
        final List<Tshark.Frame> frames = Tshark.frames(file);
        final List<PacketRecorder.Packet> packets;
        try (PacketSource source = CaptureFiles.open(file))
        {
            packets = PacketRecorder.readAll(source, 64);
            assertEquals(List.of(), source.damages());
            assertEquals(source.bytesTotal(), source.bytesRead());
        }

        assertEquals(frames.size(), packets.size(), "packets in " + file);
        for (int i = 0; i < frames.size(); i++)
        {
            final Tshark.Frame frame = frames.get(i);
            final PacketRecorder.Packet packet = packets.get(i);
            final String where = file.getFileName() + " frame " + (i + 1);
            assertEquals(frame.capturedLength(), packet.capturedLength(), where + ": captured length");
            assertEquals(frame.wireLength(), packet.wireLength(), where + ": wire length");
            assertEquals(frame.timestampNanos(), packet.timestampNanos(), where + ": timestamp");
            assertEquals(frame.encapsulation(), Tshark.encapsulationOf(packet.linkType()), where + ": link type");
            assertEquals(frame.interfaceId(), packet.interfaceId(), where + ": interface");
            assertEquals(frame.capturedLength(), packet.data().length, where + ": bytes at the address");
        }
    }
}
