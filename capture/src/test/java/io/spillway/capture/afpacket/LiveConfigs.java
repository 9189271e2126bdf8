package io.spillway.capture.afpacket;

/** Ring settings for live tests that count every frame. */
final class LiveConfigs
{
    private LiveConfigs()
    {
    }

    /**
     * 64 blocks of 128 KiB. With a 10 ms block timeout a light stream fills the ring by time, not bytes: 64 blocks
     * let the reader be held off the CPU for 640 ms (a loaded 2-core CI machine) before the kernel drops.
     */
    static AfPacketConfig roomy(final String interfaceName)
    {
        return AfPacketConfig.builder(interfaceName).ring(128 * 1024, 64).build();
    }
}
