package io.spillway.capture.afpacket;

import io.spillway.packet.LinkType;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AfPacketConfigTest
{
    @Test
    void defaultsCaptureWholeFramesPromiscuouslyInAFreshSymmetricGroup()
    {
        final AfPacketConfig config = AfPacketConfig.of("eth0");
        assertEquals(65_535, config.snapLength());
        assertTrue(config.promiscuous());
        assertEquals(FanoutMode.HASH, config.fanoutMode());
        assertEquals(0, config.fanoutGroupId());
        assertTrue(config.fanoutDefrag());
        assertEquals(8L << 20, config.ringBytes());
    }

    @Test
    void defragmentationFollowsTheModeUnlessSetAfterIt()
    {
        assertFalse(AfPacketConfig.builder("eth0").fanout(FanoutMode.CPU, 7).build().fanoutDefrag());
        assertTrue(AfPacketConfig.builder("eth0").fanout(FanoutMode.HASH, 7).build().fanoutDefrag());
        assertTrue(AfPacketConfig.builder("eth0").fanout(FanoutMode.LB, 7).fanoutDefrag(true).build()
            .fanoutDefrag());
        assertEquals(9, AfPacketConfig.of("eth0").withFanoutGroupId(9).fanoutGroupId());
    }

    @Test
    void theBuilderChecksValuesTogetherWhateverTheOrder()
    {
        final AfPacketConfig small = AfPacketConfig.builder("eth0").ring(4096, 2).snapLength(128).build();
        assertEquals(8192, small.ringBytes());
    }

    @Test
    void badValuesAreRefusedByName()
    {
        assertRefused("'eth0/1' is not a Linux interface name", AfPacketConfig.builder("eth0/1"));
        assertRefused("is not a Linux interface name", AfPacketConfig.builder("a-name-of-16-chs"));
        assertRefused("is not a Linux interface name", AfPacketConfig.builder(""));
        assertRefused("ring block size 5000 is not a positive multiple of the page size 4096",
            AfPacketConfig.builder("eth0").ring(5000, 4));
        assertRefused("ring block count 1 is below 2", AfPacketConfig.builder("eth0").ring(1 << 20, 1));
        assertRefused("ring block size 65536 cannot hold one frame of snap length 65535", AfPacketConfig
            .builder("eth0").ring(65536, 4));
        assertRefused("use blocks of at least 69632 bytes", AfPacketConfig.builder("eth0").ring(65536, 4));
        assertRefused("snap length 10 is outside 64 to 262144", AfPacketConfig.builder("eth0").snapLength(10));
        assertRefused("block timeout -1 ms", AfPacketConfig.builder("eth0").blockTimeoutMs(-1));
        assertRefused("fanout group id 65536 is outside 0 to 65535", AfPacketConfig.builder("eth0")
            .fanoutGroupId(65536));
        assertRefused("larger than the kernel can count", AfPacketConfig.builder("eth0")
            .ring(1 << 30, Integer.MAX_VALUE));
    }

    @Test
    void interfaceTypesMapToTheLinkTypesOfTheirFrames()
    {
        assertEquals(LinkType.ETHERNET, ArpHardwareType.linkType(ArpHardwareType.ETHER));
        assertEquals(LinkType.ETHERNET, ArpHardwareType.linkType(ArpHardwareType.LOOPBACK));
        assertEquals(LinkType.RAW, ArpHardwareType.linkType(ArpHardwareType.NONE));
        assertEquals(LinkType.RAW, ArpHardwareType.linkType(ArpHardwareType.PPP));
        assertEquals(LinkType.RAW, ArpHardwareType.linkType(ArpHardwareType.RAWIP));
        assertEquals(ArpHardwareType.UNSUPPORTED, ArpHardwareType.linkType(803));
        assertEquals("ARPHRD_IEEE80211_RADIOTAP (803)", ArpHardwareType.describe(803));
        assertEquals("ARPHRD type (4242)", ArpHardwareType.describe(4242));
    }

    private static void assertRefused(final String expected, final AfPacketConfig.Builder builder)
    {
        final IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, builder::build);
        assertTrue(refused.getMessage().contains(expected), refused.getMessage());
    }
}
