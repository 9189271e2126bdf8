package io.spillway.capture.afpacket;

import com.sun.management.ThreadMXBean;
import io.spillway.capture.live.FrameInjector;
import io.spillway.capture.live.NetNs;
import io.spillway.capture.live.TestFrames;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The capture loop (receiveBlock, await, linkState, counters) allocates nothing, per frame or per block. */
@Tag("live")
class AfPacketAllocationTest
{
    private static final int WINDOWS = 5;
    private static final int FRAMES_PER_WINDOW = 20_000;
    private static final String CAPTURE = "cap0";
    private static final String PEER = "peer0";

    @AfterEach
    void nothingLeftBehind()
    {
        assertEquals(List.of(), NetNs.namespacesOfThisJvm());
    }

    @Test
    void theCaptureLoopAllocatesNothing() throws InterruptedException
    {
        final ThreadMXBean threads = (ThreadMXBean)ManagementFactory.getThreadMXBean();
        assertTrue(threads.isThreadAllocatedMemorySupported());
        // Small blocks retired fast, so a window hands over hundreds of blocks, not a few.
        final AfPacketConfig config = AfPacketConfig.builder(CAPTURE).ring(16 * 1024, 64).blockTimeoutMs(2)
            .snapLength(256).build();
        final AtomicBoolean sending = new AtomicBoolean(true);
        try (NetNs ns = NetNs.withVeth(CAPTURE, PEER);
             AfPacketSocket socket = ns.call(() -> AfPacketSocket.open(config));
             FrameInjector injector = FrameInjector.open(ns, PEER))
        {
            final Thread sender = new Thread(() -> send(injector, sending), "sender");
            sender.start();
            try
            {
                final CountingHandler handler = new CountingHandler();
                // Until the JIT compiles them, downcalls allocate a little per call (about 40 bytes interpreted or
                // in C1); a waiting loop calls await only once per block, so warm it and the others up first.
                for (int i = 0; i < 20_000; i++)
                {
                    handler.checksum += (socket.await(0) ? 1 : 0) + socket.linkState().ordinal() +
                        socket.kernelPackets() + socket.kernelDrops() + socket.freezes();
                    socket.receiveBlock(handler);
                }
                receive(socket, handler, 4 * FRAMES_PER_WINDOW);
                final long[] allocated = new long[WINDOWS];
                final long[] blocks = new long[WINDOWS];
                for (int window = 0; window < WINDOWS; window++)
                {
                    final long blocksBefore = handler.blocks;
                    final long before = threads.getCurrentThreadAllocatedBytes();
                    receive(socket, handler, FRAMES_PER_WINDOW);
                    allocated[window] = threads.getCurrentThreadAllocatedBytes() - before;
                    blocks[window] = handler.blocks - blocksBefore;
                }
                System.out.println("bytes allocated per window of " + FRAMES_PER_WINDOW + " frames: " +
                    Arrays.toString(allocated) + ", blocks per window " + Arrays.toString(blocks));
                // On-stack replacement of the loop can allocate a few bytes once; a capture loop that allocated
                // per frame or per block would allocate in every window.
                assertEquals(0L, Arrays.stream(allocated).min().orElseThrow(),
                    "bytes allocated per window: " + Arrays.toString(allocated));
                assertTrue(Arrays.stream(blocks).min().orElseThrow() > 10, "blocks per window " +
                    Arrays.toString(blocks));
                assertTrue(handler.checksum != 0);
            }
            finally
            {
                sending.set(false);
                sender.join();
            }
        }
    }

    private static void receive(final AfPacketSocket socket, final CountingHandler handler, final long frames)
    {
        final long target = handler.frames + frames;
        int idle = 0;
        while (handler.frames < target)
        {
            if (socket.receiveBlock(handler) == 0)
            {
                socket.await(10);
                if (++idle % 16 == 0)
                {
                    handler.checksum += socket.linkState().ordinal() + socket.kernelPackets() + socket.kernelDrops() +
                        socket.freezes();
                }
            }
        }
    }

    private static void send(final FrameInjector injector, final AtomicBoolean sending)
    {
        final byte[][] frames = new byte[16][];
        for (int i = 0; i < frames.length; i++)
        {
            final byte[] frame = TestFrames.marked(TestFrames.FOREIGN_MAC, i, 64 + i * 90);
            frames[i] = i % 4 == 0 ? TestFrames.tagged(frame, TestFrames.ETHERTYPE_VLAN, i) : frame;
        }
        for (int i = 0; sending.get(); i++)
        {
            injector.send(frames[i % frames.length]);
        }
    }

    /** Touches every frame's first and last byte, as a parser would, and counts. */
    private static final class CountingHandler implements FrameHandler
    {
        private static final MemorySegment EVERYTHING = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);
        long frames;
        long blocks;
        long checksum;

        @Override
        public void onFrame(final long address, final int capturedLength, final int wireLength,
            final long timestampNs)
        {
            frames++;
            checksum += EVERYTHING.get(ValueLayout.JAVA_BYTE, address) +
                EVERYTHING.get(ValueLayout.JAVA_BYTE, address + capturedLength - 1) + wireLength + timestampNs;
        }

        @Override
        public void onBlockEnd()
        {
            blocks++;
        }
    }
}
