package io.spillway.dpi;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DpiLoadTest
{
    private static final String HINT = "apt-get install libndpi-bin";
    private static final int API_42 = 8668;

    @Test
    void packagedGlueLoadsNdpi42()
    {
        final Dpi dpi = assertDoesNotThrow(() -> Dpi.load());
        assertTrue(dpi.version().startsWith("4.2"), dpi.version());
        assertEquals(688, dpi.ndpiFlowSize());
        assertEquals(704, dpi.flowStateSize());
        assertEquals(dpi, assertDoesNotThrow(() -> Dpi.load()), "one binding per process");
    }

    @Test
    void aMissingLibraryFileGivesTheInstallHint()
    {
        final Path missing = Path.of("/nonexistent/spillway/libspillway-ndpi.so");
        final DpiUnavailableException ex = assertThrows(DpiUnavailableException.class, () -> Dpi.load(missing));
        assertTrue(ex.getMessage().contains(missing.toString()), ex.getMessage());
        assertTrue(ex.getMessage().contains(HINT), ex.getMessage());
        assertTrue(ex.getMessage().contains("--no-dpi"), ex.getMessage());
    }

    @Test
    void theRunTimeNdpiMustBe42OrNewerAndMatchTheGlue()
    {
        assertDoesNotThrow(() -> Dpi.checkVersion("4.2.0", API_42, API_42, 688, 688));
        assertDoesNotThrow(() -> Dpi.checkVersion("4.3.0-3456-abcdef", API_42, API_42, 688, 688));
        assertDoesNotThrow(() -> Dpi.checkVersion("5.0.0", API_42, API_42, 688, 688));

        final DpiUnavailableException old = assertThrows(DpiUnavailableException.class,
            () -> Dpi.checkVersion("4.1.0", API_42, API_42, 688, 688));
        assertTrue(old.getMessage().contains("too old") && old.getMessage().contains(HINT), old.getMessage());
        assertThrows(DpiUnavailableException.class, () -> Dpi.checkVersion("3.4", API_42, API_42, 688, 688));

        final DpiUnavailableException api = assertThrows(DpiUnavailableException.class,
            () -> Dpi.checkVersion("4.2.0", API_42 + 1, API_42, 688, 688));
        assertTrue(api.getMessage().contains("rebuild"), api.getMessage());
        assertThrows(DpiUnavailableException.class, () -> Dpi.checkVersion("4.2.0", API_42, API_42, 704, 688));
        assertThrows(DpiUnavailableException.class, () -> Dpi.checkVersion("unknown", API_42, API_42, 688, 688));
    }

    @Test
    void parsesReleaseStrings()
    {
        assertArrayEquals(new int[]{ 4, 2 }, Dpi.parseMajorMinor("4.2.0"));
        assertArrayEquals(new int[]{ 4, 11 }, Dpi.parseMajorMinor("4.11.0-4711-deadbee"));
        assertNull(Dpi.parseMajorMinor("4"));
        assertNull(Dpi.parseMajorMinor("four.two"));
        assertEquals(80, Dpi.defaultMaxPackets(6));
        assertEquals(24, Dpi.defaultMaxPackets(17));
        assertEquals(24, Dpi.defaultMaxPackets(1));
    }

    // The process keeps the first binding that loaded, so failed loads run in JVMs of their own.

    @Test
    void theGlueLoadsInAFreshJvm() throws Exception
    {
        final Path glue = Files.createTempFile("spillway-ndpi-test-", ".so");
        try
        {
            Files.write(glue, packagedGlue());
            final Outcome outcome = loadInChildJvm(glue);
            assertEquals(0, outcome.exitCode(), outcome.output());
            assertTrue(outcome.output().contains("loaded nDPI 4.2"), outcome.output());
        }
        finally
        {
            Files.deleteIfExists(glue);
        }
    }

    @Test
    void aMissingNdpiLibraryIsReportedWithTheInstallHint(@TempDir final Path dir) throws Exception
    {
        // The glue as built, but needing an nDPI that no system has: what a machine without nDPI sees.
        final byte[] glue = packagedGlue();
        final byte[] needed = "libndpi.so.4.2".getBytes(StandardCharsets.US_ASCII);
        final int at = indexOf(glue, needed);
        assertTrue(at > 0, "the glue names libndpi.so.4.2 as a dependency");
        System.arraycopy("libndpi.so.0.9".getBytes(StandardCharsets.US_ASCII), 0, glue, at, needed.length);
        final Path broken = dir.resolve("libspillway-ndpi.so");
        Files.write(broken, glue);

        final Outcome outcome = loadInChildJvm(broken);
        assertEquals(DpiLoadMain.UNAVAILABLE, outcome.exitCode(), outcome.output());
        assertTrue(outcome.output().contains("libndpi.so.0.9"), outcome.output());
        assertTrue(outcome.output().contains(HINT), outcome.output());
    }

    @Test
    void aFileThatIsNotTheGlueIsRefusedWithoutCrashing(@TempDir final Path dir) throws Exception
    {
        final Path text = dir.resolve("libspillway-ndpi.so");
        Files.writeString(text, "not a shared object\n");
        final Outcome notElf = loadInChildJvm(text);
        assertEquals(DpiLoadMain.UNAVAILABLE, notElf.exitCode(), notElf.output());
        assertTrue(notElf.output().contains("cannot load the nDPI glue"), notElf.output());

        // A real shared object without the glue's functions (a small one every JDK ships).
        final Path other = Path.of(System.getProperty("java.home"), "lib", "libsyslookup.so");
        assertTrue(Files.isRegularFile(other), other.toString());
        final Outcome otherLibrary = loadInChildJvm(other);
        assertEquals(DpiLoadMain.UNAVAILABLE, otherLibrary.exitCode(), otherLibrary.output());
        assertTrue(otherLibrary.output().contains("is not the Spillway nDPI glue"), otherLibrary.output());
    }

    private record Outcome(int exitCode, String output)
    {
    }

    private static Outcome loadInChildJvm(final Path library) throws IOException, InterruptedException
    {
        final Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        final Process process = new ProcessBuilder(List.of(java.toString(), "--enable-native-access=ALL-UNNAMED",
            "-cp", System.getProperty("java.class.path"), DpiLoadMain.class.getName(), library.toString()))
            .redirectErrorStream(true).start();
        final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "child JVM finished");
        return new Outcome(process.exitValue(), output);
    }

    private static byte[] packagedGlue() throws IOException
    {
        try (InputStream in = Dpi.class.getResourceAsStream("/native/" + Dpi.platform() + "/" + Dpi.LIBRARY_FILE))
        {
            assertNotNull(in, "the glue is on the class path");
            return in.readAllBytes();
        }
    }

    private static int indexOf(final byte[] haystack, final byte[] needle)
    {
        for (int i = 0; i + needle.length <= haystack.length; i++)
        {
            int j = 0;
            while (j < needle.length && haystack[i + j] == needle[j])
            {
                j++;
            }
            if (j == needle.length)
            {
                return i;
            }
        }
        return -1;
    }
}
